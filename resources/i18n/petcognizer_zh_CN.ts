<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>app</name>
        <message>
            <source>Cannot write the screenshot {path}; check the folder is writable.</source>
            <extracomment>Window size of the screenshots. How long after the window is shown the engine process starts warming up.</extracomment>
            <translation>无法写入截图 {path}；请检查该文件夹是否可写。</translation>
        </message>
        <message>
            <source>petcognizer: could not open the project {project}</source>
            <translation>petcognizer：无法打开项目 {project}</translation>
        </message>
        <message>
            <source>petcognizer: {exc}</source>
            <translation>petcognizer：{exc}</translation>
        </message>
    </context>
    <context>
        <name>class_bins</name>
        <message>
            <source>Unlabelled</source>
            <extracomment>Width of a card, in pixels (the height follows its text). Sample photos shown on a card.</extracomment>
            <translation>未分类</translation>
        </message>
        <message numerus="yes">
            <source>%n photo(s)</source>
            <translation>
                <numerusform>%n 张照片</numerusform>
            </translation>
        </message>
        <message>
            <source>not used for training</source>
            <translation>不参与训练</translation>
        </message>
        <message>
            <source>photos without a class</source>
            <translation>尚未分类的照片</translation>
        </message>
        <message numerus="yes">
            <source>{name}: %n photo(s). Click to see them; drop photos here to add them.</source>
            <translation>
                <numerusform>{name}：%n 张照片。点击查看；把照片拖到这里即可添加。</numerusform>
            </translation>
        </message>
        <message>
            <source> Select photos and press {key} to put them here.</source>
            <translation>选中照片后按 {key}，即可把它们放到这里。</translation>
        </message>
        <message>
            <source> Select photos and press {key} to put them in this class.</source>
            <translation>选中照片后按 {key}，即可把它们归入此类别。</translation>
        </message>
        <message>
            <source> Select photos and press Ctrl+L ("Label as…") to put them in this class.</source>
            <translation>选中照片后按 Ctrl+L（“归类到…”），即可把它们归入此类别。</translation>
        </message>
        <message>
            <source>nothing ImageNet knows</source>
            <translation>ImageNet 中没有对应概念</translation>
        </message>
        <message>
            <source>
ImageNet match: {meaning}. Right-click ▸ ImageNet match… to change it.</source>
            <translation>
ImageNet 对应：{meaning}。右键 ▸ ImageNet 对应… 可更改。</translation>
        </message>
        <message>
            <source>+  Add class</source>
            <translation>+  添加类别</translation>
        </message>
        <message>
            <source>Add a class: a kind of photo to recognize, e.g. "cat" (Ctrl+Shift+N)</source>
            <translation>添加类别：要识别的一类照片，例如“猫”（Ctrl+Shift+N）</translation>
        </message>
        <message>
            <source>Name, then Enter</source>
            <translation>输入名称后按回车</translation>
        </message>
        <message>
            <source>The name of the new class, e.g. "cat". Enter adds it, Esc cancels.</source>
            <translation>新类别的名称，例如“猫”。回车添加，Esc 取消。</translation>
        </message>
        <message>
            <source>Type a name, then press Enter</source>
            <translation>输入名称，然后按回车</translation>
        </message>
    </context>
    <context>
        <name>class_match_dialog</name>
        <message numerus="yes">
            <source>%n ImageNet output(s)</source>
            <extracomment>:attr:`ClassMatchDialog.choice` meaning "remove the override, match automatically".</extracomment>
            <translation>
                <numerusform>%n 个 ImageNet 输出</numerusform>
            </translation>
        </message>
        <message>
            <source>no match</source>
            <translation>无对应</translation>
        </message>
        <message>
            <source>Change the ImageNet match of '{name}'</source>
            <translation>更改“{name}”的 ImageNet 对应</translation>
        </message>
        <message>
            <source>ImageNet match of '{name}'</source>
            <translation>“{name}”的 ImageNet 对应</translation>
        </message>
        <message>
            <source>petcognizer uses what the pretrained network knows about '{name}' when you have few photos. Pick the concept this class means, or clear it if none fits.</source>
            <translation>照片较少时，petcognizer 会利用预训练网络对“{name}”的已有知识。请选择这个类别所指的概念；如果都不合适，就清除对应。</translation>
        </message>
        <message>
            <source>&lt;b&gt;no match&lt;/b&gt; (the photos alone decide)</source>
            <translation>&lt;b&gt;无对应&lt;/b&gt;（只由照片决定）</translation>
        </message>
        <message>
            <source>&lt;b&gt;{name}&lt;/b&gt; ({outputs_text})</source>
            <translation>&lt;b&gt;{name}&lt;/b&gt;（{outputs_text}）</translation>
        </message>
        <message>
            <source>your choice</source>
            <translation>您的选择</translation>
        </message>
        <message>
            <source>automatic, from the name</source>
            <translation>按名称自动匹配</translation>
        </message>
        <message>
            <source>Current match: {now}, {where}.</source>
            <translation>当前对应：{now}，{where}。</translation>
        </message>
        <message>
            <source>Search ImageNet concepts, e.g. "retriever", "tabby"…</source>
            <translation>搜索 ImageNet 概念，例如“retriever”“tabby”…</translation>
        </message>
        <message>
            <source>Use</source>
            <translation>使用</translation>
        </message>
        <message>
            <source>Use the selected concept for this class</source>
            <translation>为此类别使用选中的概念</translation>
        </message>
        <message>
            <source>Clear match</source>
            <translation>清除对应</translation>
        </message>
        <message>
            <source>This class means nothing ImageNet knows: let the photos alone decide</source>
            <translation>此类别不对应 ImageNet 中的任何概念：只由照片决定</translation>
        </message>
        <message>
            <source>Automatic</source>
            <translation>自动</translation>
        </message>
        <message>
            <source>Forget your choice and match from the name ({auto_text})</source>
            <translation>忘掉您的选择，按名称匹配（{auto_text}）</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>  (current)</source>
            <translation>  （当前）</translation>
        </message>
        <message>
            <source>WordNet {wnid}: {len_outputs} of the 1,000 ImageNet outputs</source>
            <translation>WordNet {wnid}：ImageNet 1000 个输出中的 {len_outputs} 个</translation>
        </message>
        <message>
            <source>Type a word to search.</source>
            <translation>输入一个词进行搜索。</translation>
        </message>
        <message>
            <source>Nothing in ImageNet is called "{strip}".</source>
            <translation>ImageNet 中没有名为“{strip}”的概念。</translation>
        </message>
        <message>
            <source>Double-click a concept, or select it and click Use.</source>
            <translation>双击一个概念，或选中后点击“使用”。</translation>
        </message>
    </context>
    <context>
        <name>confusion</name>
        <message>
            <source>said {c}</source>
            <translation>判为 {c}</translation>
        </message>
        <message>
            <source>is {c}</source>
            <translation>实为 {c}</translation>
        </message>
        <message>
            <source>{count} photos of '{truth}' were recognised. Click to see them.</source>
            <translation>{count} 张“{truth}”的照片识别正确。点击查看。</translation>
        </message>
        <message>
            <source>{count} photos of '{truth}' were called '{said}'. Click to see and fix them.</source>
            <translation>{count} 张“{truth}”的照片被判为“{said}”。点击查看并修正。</translation>
        </message>
        <message>
            <source>No photo of '{truth}' was called '{said}'.</source>
            <translation>没有“{truth}”的照片被判为“{said}”。</translation>
        </message>
    </context>
    <context>
        <name>core</name>
        <message>
            <source>petcognizer model (.safetensors)</source>
            <extracomment>The core's fixed texts of the formats (core.exportformats), listed for lupdate: the dialog translates them by lookup, and a text the core changes shows in English until it is listed here.</extracomment>
            <translation>petcognizer 模型 (.safetensors)</translation>
        </message>
        <message>
            <source>petcognizer model file (.safetensors): weights, classes and preprocessing; load with petcognizer or safetensors</source>
            <translation>petcognizer 模型文件（.safetensors）：包含权重、类别和预处理；可用 petcognizer 或 safetensors 加载</translation>
        </message>
        <message>
            <source>ONNX (.onnx + .onnx.json): runs in ONNX Runtime, no PyTorch needed</source>
            <translation>ONNX（.onnx + .onnx.json）：在 ONNX Runtime 中运行，无需 PyTorch</translation>
        </message>
        <message>
            <source>TorchScript (.pt): runs with plain PyTorch, no petcognizer needed</source>
            <translation>TorchScript（.pt）：用普通 PyTorch 即可运行，无需 petcognizer</translation>
        </message>
        <message>
            <source>bundled</source>
            <extracomment>The core's fixed weight states (core.backbones.weights_status), listed for lupdate: translated by lookup; the templated ones (a missing package, a damaged file) stay English.</extracomment>
            <translation>内置</translation>
        </message>
        <message>
            <source>downloaded</source>
            <translation>已下载</translation>
        </message>
        <message>
            <source>random weights (tests)</source>
            <translation>随机权重（测试用）</translation>
        </message>
    </context>
    <context>
        <name>core_text</name>
        <message>
            <source>'{name}' ({count})</source>
            <translation>“{name}”（{count}）</translation>
        </message>
        <message>
            <source>'{name}'</source>
            <translation>“{name}”</translation>
        </message>
        <message>
            <source>, </source>
            <translation>、</translation>
        </message>
        <message>
            <source>{names} and {rest} more</source>
            <translation>{names} 及另外 {rest} 个</translation>
        </message>
        <message>
            <source>{names} and {last}</source>
            <translation>{names} 和 {last}</translation>
        </message>
        <message>
            <source>add a photo to start</source>
            <translation>添加一张照片即可开始</translation>
        </message>
        <message numerus="yes">
            <source>%n more for an estimate</source>
            <translation>
                <numerusform>再加 %n 张可估计准确率</numerusform>
            </translation>
        </message>
        <message>
            <source>more photos help</source>
            <translation>照片越多越好</translation>
        </message>
        <message numerus="yes">
            <source> %n unlabelled photo(s) not used until they have a class.</source>
            <translation>
                <numerusform>%n 张未分类的照片在归类之前不会被使用。</numerusform>
            </translation>
        </message>
        <message>
            <source>Add a class for each kind of photo (for example "cat" and "dog"), then drop photos on its card.</source>
            <translation>为每类照片添加一个类别（例如“猫”和“狗”），再把照片拖到它的卡片上。</translation>
        </message>
        <message>
            <source>Add a second class: the app learns to tell classes apart, so '{name}' needs something to be told from.</source>
            <translation>再添加一个类别：程序学的是区分不同类别，所以“{name}”需要一个可以区分的对象。</translation>
        </message>
        <message>
            <source>To start, {which} needs at least one photo: drop photos on its card.</source>
            <translation>要开始训练，{which} 至少需要一张照片：把照片拖到它的卡片上。</translation>
        </message>
        <message>
            <source>To start, {which} each need at least one photo: drop photos on their cards.</source>
            <translation>要开始训练，{which} 各自至少需要一张照片：把照片拖到它们的卡片上。</translation>
        </message>
        <message>
            <source>Ready to train: with few photos the class names help. For an honest accuracy estimate, give every class {n} photos or more: {which}.</source>
            <translation>可以训练了：照片少时，类别名称会有帮助。要得到可靠的准确率估计，请给每个类别 {n} 张或更多照片：{which}。</translation>
        </message>
        <message>
            <source>Ready to train, with an honest accuracy estimate. What helps most: more photos, in different places and light, of {which}.</source>
            <translation>可以训练了，并能得到可靠的准确率估计。最有帮助的是：为 {which} 添加更多在不同地点和光线下拍的照片。</translation>
        </message>
        <message>
            <source>Ready to train, with an honest accuracy estimate. More photos in different places and light still help.</source>
            <translation>可以训练了，并能得到可靠的准确率估计。在不同地点和光线下拍的更多照片仍然有帮助。</translation>
        </message>
    </context>
    <context>
        <name>curves</name>
        <message>
            <source>Left: the loss (cross-entropy) on the training photos per batch and per epoch, and on the validation photos; lower is better.
Right: the share of photos named right (accuracy). One round is one epoch: every training photo seen once.</source>
            <translation>左：训练照片上每批次和每轮的损失（交叉熵），以及验证照片上的损失；越低越好。
右：被正确识别的照片比例（准确率）。一轮即一个 epoch：每张训练照片都看过一次。</translation>
        </message>
        <message>
            <source>Mistakes (lower is better)</source>
            <translation>错误（越低越好）</translation>
        </message>
        <message>
            <source>Photos named right</source>
            <translation>识别正确的照片</translation>
        </message>
        <message>
            <source>round</source>
            <translation>轮</translation>
        </message>
        <message>
            <source>loss</source>
            <translation>损失</translation>
        </message>
        <message>
            <source>Blue: training photos (per batch, smoothed; dashed: per epoch). Red: validation photos, which the model does not learn from. Green: the epoch whose model is kept.</source>
            <translation>蓝色：训练照片（按批次，已平滑；虚线为每轮）。红色：验证照片，模型不从中学习。绿色：保留其模型的那一轮。</translation>
        </message>
        <message>
            <source>The training curves appear here while a model trains.</source>
            <translation>训练模型时，训练曲线会显示在这里。</translation>
        </message>
        <message>
            <source>photos it learns from</source>
            <extracomment>(curve attribute, glyph colour, glyph, words) of the legend, in its order.</extracomment>
            <translation>用于学习的照片</translation>
        </message>
        <message>
            <source>the same, per round</source>
            <translation>同上，按轮</translation>
        </message>
        <message>
            <source>photos kept back to check</source>
            <translation>留作检验的照片</translation>
        </message>
        <message>
            <source>best round (kept)</source>
            <translation>最佳一轮（已保留）</translation>
        </message>
    </context>
    <context>
        <name>data_adding</name>
        <message>
            <source>Photos ({})</source>
            <translation>照片 ({})</translation>
        </message>
        <message>
            <source>Unlabelled</source>
            <translation>未分类</translation>
        </message>
        <message>
            <source>Adding photos to {where}…</source>
            <translation>正在把照片添加到 {where}…</translation>
        </message>
        <message>
            <source>Adding photos to {where}: {done} of {total}</source>
            <translation>正在把照片添加到 {where}：{done} / {total}</translation>
        </message>
        <message numerus="yes">
            <source>Added %n photo(s) to {where}.</source>
            <translation>
                <numerusform>已将 %n 张照片添加到 {where}。</numerusform>
            </translation>
        </message>
        <message>
            <source> {len_refused} could not be added (see the list below the photos).</source>
            <translation>有 {len_refused} 个无法添加（见照片下方的列表）。</translation>
        </message>
        <message>
            <source> Stopped before the end.</source>
            <translation>已中途停止。</translation>
        </message>
        <message>
            <source>Could not add the photos: {exc}</source>
            <translation>无法添加照片：{exc}</translation>
        </message>
        <message>
            <source>Stopping…</source>
            <translation>正在停止…</translation>
        </message>
        <message>
            <source>The clipboard holds no photo. Copy a photo or photo files (in a browser: right-click the image, "Copy image"), then press Ctrl+V here.</source>
            <translation>剪贴板里没有照片。请复制一张照片或照片文件（在浏览器中：右键点击图片，“复制图片”），然后在这里按 Ctrl+V。</translation>
        </message>
        <message>
            <source>Add photos</source>
            <translation>添加照片</translation>
        </message>
        <message>
            <source>{photos};;All files (*)</source>
            <translation>{photos};;所有文件 (*)</translation>
        </message>
        <message>
            <source>Add a folder of photos</source>
            <translation>添加照片文件夹</translation>
        </message>
    </context>
    <context>
        <name>data_assist</name>
        <message>
            <source>Could not save the match of {name!r}: {exc}</source>
            <translation>无法保存 {name!r} 的对应：{exc}</translation>
        </message>
        <message>
            <source>'{name}' now means: {meaning}.</source>
            <translation>“{name}”现在表示：{meaning}。</translation>
        </message>
        <message>
            <source>No model is trained yet, so these come from the class names alone (what the pretrained network knows about them).</source>
            <translation>还没有训练过模型，因此这些建议只来自类别名称（预训练网络对它们的了解）。</translation>
        </message>
        <message>
            <source> {names} has no ImageNet match, so it gets the photos that look like none of the other classes.</source>
            <translation>{names} 在 ImageNet 中没有对应，因此它会得到那些不像其他任何类别的照片。</translation>
        </message>
        <message>
            <source> {names} have no ImageNet match, so they get the photos that look like none of the other classes.</source>
            <translation>{names} 在 ImageNet 中没有对应，因此它们会得到那些不像其他任何类别的照片。</translation>
        </message>
        <message>
            <source> Check before accepting.</source>
            <translation>接受前请检查。</translation>
        </message>
        <message>
            <source>From your latest trained model ({name}). Check before accepting.</source>
            <translation>来自您最近训练的模型（{name}）。接受前请检查。</translation>
        </message>
        <message numerus="yes">
            <source>Label %n suggested photo(s)</source>
            <translation>
                <numerusform>为 %n 张建议的照片归类</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Labelled %n photo(s) from the suggestions (Ctrl+Z to undo).</source>
            <translation>
                <numerusform>已按建议为 %n 张照片归类（Ctrl+Z 撤销）。</numerusform>
            </translation>
        </message>
        <message>
            <source>Loading the pretrained network…</source>
            <translation>正在加载预训练网络…</translation>
        </message>
        <message>
            <source>{len_suggestions} suggested labels: check them and click Accept.</source>
            <translation>已建议 {len_suggestions} 个标签：请检查后点击“接受”。</translation>
        </message>
        <message>
            <source>Stopped. Click "Suggest labels" to start again.</source>
            <translation>已停止。点击“建议标签”重新开始。</translation>
        </message>
        <message>
            <source>Could not suggest labels: {message}</source>
            <translation>无法建议标签：{message}</translation>
        </message>
        <message>
            <source>Unlabelled</source>
            <translation>未分类</translation>
        </message>
    </context>
    <context>
        <name>data_editing</name>
        <message>
            <source>Unlabelled</source>
            <translation>未分类</translation>
        </message>
        <message>
            <source>Those photos are in {where} already.</source>
            <translation>这些照片已经在 {where} 中。</translation>
        </message>
        <message numerus="yes">
            <source>Moved %n photo(s) to {where}.</source>
            <translation>
                <numerusform>已将 %n 张照片移到 {where}。</numerusform>
            </translation>
        </message>
        <message>
            <source>There is no class {number}; add one with "+ Add class" (Ctrl+Shift+N).</source>
            <translation>没有第 {number} 个类别；用“+ 添加类别”（Ctrl+Shift+N）添加。</translation>
        </message>
        <message>
            <source>Select photos first (click one, Shift/Ctrl+click for more, Ctrl+A for all), then press {number} to put them in {where}.</source>
            <translation>请先选中照片（单击选一张，Shift/Ctrl+单击多选，Ctrl+A 全选），再按 {number} 把它们放到 {where}。</translation>
        </message>
        <message>
            <source>Label as</source>
            <translation>归类到</translation>
        </message>
        <message>
            <source>No classes yet: add one with "+ Add class"</source>
            <translation>还没有类别：用“+ 添加类别”添加一个</translation>
        </message>
        <message>
            <source>Unlabelled	0</source>
            <translation>未分类	0</translation>
        </message>
        <message>
            <source>Select photos first, then press Ctrl+L to choose their class.</source>
            <translation>请先选中照片，再按 Ctrl+L 选择它们的类别。</translation>
        </message>
        <message>
            <source>Select photos first, then press Delete to move them to the project trash.</source>
            <translation>请先选中照片，再按 Delete 把它们移到项目回收站。</translation>
        </message>
        <message numerus="yes">
            <source>Moved %n photo(s) to the project trash (Ctrl+Z to undo).</source>
            <translation>
                <numerusform>已将 %n 张照片移到项目回收站（Ctrl+Z 撤销）。</numerusform>
            </translation>
        </message>
        <message>
            <source>Added the class '{name}': drop photos on its card.</source>
            <translation>已添加类别“{name}”：把照片拖到它的卡片上。</translation>
        </message>
        <message>
            <source>Rename class</source>
            <translation>重命名类别</translation>
        </message>
        <message>
            <source>New name for '{old}':</source>
            <translation>“{old}”的新名称：</translation>
        </message>
        <message numerus="yes">
            <source>Delete the class '{name}' and its %n photo(s)?</source>
            <translation>
                <numerusform>删除类别“{name}”及其 %n 张照片？</numerusform>
            </translation>
        </message>
        <message>
            <source>Delete the class '{name}'?</source>
            <translation>删除类别“{name}”？</translation>
        </message>
        <message>
            <source>Delete class</source>
            <translation>删除类别</translation>
        </message>
        <message>
            <source>

The photos go to the project trash; Edit ▸ Undo brings them back.</source>
            <translation>

照片会进入项目回收站；编辑 ▸ 撤销可以恢复。</translation>
        </message>
        <message>
            <source>Choose a class card first (click it, or Tab to it), then press F2 to rename it.</source>
            <translation>请先选择一个类别卡片（点击或用 Tab 移到它），再按 F2 重命名。</translation>
        </message>
        <message>
            <source>Add photos…</source>
            <translation>添加照片…</translation>
        </message>
        <message>
            <source>Rename…	F2</source>
            <translation>重命名…	F2</translation>
        </message>
        <message>
            <source>ImageNet match…</source>
            <translation>ImageNet 对应…</translation>
        </message>
        <message>
            <source>What the pretrained network knows this class as</source>
            <translation>预训练网络把此类别理解为什么</translation>
        </message>
        <message>
            <source>Delete class…	Del</source>
            <translation>删除类别…	Del</translation>
        </message>
        <message>
            <source>Label as	Ctrl+L</source>
            <translation>归类到	Ctrl+L</translation>
        </message>
        <message>
            <source>Find similar photos…</source>
            <translation>查找相似照片…</translation>
        </message>
        <message>
            <source>Delete	Del</source>
            <translation>删除	Del</translation>
        </message>
    </context>
    <context>
        <name>data_page</name>
        <message>
            <source>Keys: select photos, then 1–9 puts them in that class, 0 in Unlabelled, Ctrl+L any class; Del deletes; Ctrl+V pastes photos. Help ▸ Keyboard shortcuts lists them all.</source>
            <extracomment>The keyboard line under the photos.</extracomment>
            <translation>按键：选中照片后，1–9 归入对应类别，0 设为未分类，Ctrl+L 任选类别；Del 删除；Ctrl+V 粘贴照片。帮助 ▸ 键盘快捷键列出全部按键。</translation>
        </message>
        <message>
            <source>Classes</source>
            <translation>类别</translation>
        </message>
        <message>
            <source>Add photos…</source>
            <translation>添加照片…</translation>
        </message>
        <message>
            <source>Copy photos from your computer into the class shown (Ctrl+Shift+O)</source>
            <translation>把电脑上的照片复制到当前类别（Ctrl+Shift+O）</translation>
        </message>
        <message>
            <source>Add folder…</source>
            <translation>添加文件夹…</translation>
        </message>
        <message>
            <source>Copy every photo of a folder into the class shown</source>
            <translation>把一个文件夹里的所有照片复制到当前类别</translation>
        </message>
        <message>
            <source>Suggest labels</source>
            <translation>建议标签</translation>
        </message>
        <message>
            <source>Guess a class for every unlabelled photo (from your trained model, or from the class names when none is trained yet); you check and accept them</source>
            <translation>为每张未分类的照片猜一个类别（用您训练的模型；还没有模型时用类别名称）；由您检查并接受</translation>
        </message>
        <message>
            <source>Check my photos</source>
            <translation>检查我的照片</translation>
        </message>
        <message>
            <source>Find duplicates, photos in the wrong class and other problems; fix them in one click</source>
            <translation>查找重复照片、放错类别的照片等问题；一键修复</translation>
        </message>
        <message>
            <source>Add &amp;class…</source>
            <translation>添加类别(&amp;C)…</translation>
        </message>
        <message>
            <source>Add &amp;photos…</source>
            <translation>添加照片(&amp;P)…</translation>
        </message>
        <message>
            <source>Add &amp;folder…</source>
            <translation>添加文件夹(&amp;F)…</translation>
        </message>
        <message>
            <source>&amp;Paste photos</source>
            <translation>粘贴照片(&amp;P)</translation>
        </message>
        <message>
            <source>&amp;Label as…</source>
            <translation>归类到(&amp;L)…</translation>
        </message>
        <message>
            <source>&amp;Rename class…</source>
            <translation>重命名类别(&amp;R)…</translation>
        </message>
        <message>
            <source>Show &amp;Unlabelled</source>
            <translation>显示未分类(&amp;U)</translation>
        </message>
        <message>
            <source>Show class {i}</source>
            <translation>显示类别 {i}</translation>
        </message>
        <message>
            <source>C&amp;heck my photos</source>
            <translation>检查我的照片(&amp;H)</translation>
        </message>
        <message>
            <source>There is no class {number}.</source>
            <translation>没有第 {number} 个类别。</translation>
        </message>
        <message>
            <source>No project open</source>
            <translation>没有打开的项目</translation>
        </message>
        <message>
            <source>Unlabelled</source>
            <translation>未分类</translation>
        </message>
        <message numerus="yes">
            <source>%n photo(s)</source>
            <translation>
                <numerusform>%n 张照片</numerusform>
            </translation>
        </message>
        <message>
            <source>{what} failed: {exc}</source>
            <translation>{what}失败：{exc}</translation>
        </message>
        <message>
            <source>Wait until the photos being added are in, then try again.</source>
            <translation>请等正在添加的照片全部完成后再试。</translation>
        </message>
    </context>
    <context>
        <name>data_panels</name>
        <message>
            <source>Dismiss</source>
            <extracomment>Below this many photos a class, more photos of it is what helps most (the one rule: core.hints).</extracomment>
            <translation>关闭</translation>
        </message>
        <message>
            <source>File</source>
            <translation>文件</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <source>already in the project as {name}</source>
            <translation>已作为 {name} 存在于项目中</translation>
        </message>
        <message numerus="yes">
            <source>Added %n photo(s) to {target}.</source>
            <translation>
                <numerusform>已将 %n 张照片添加到 {target}。</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n file(s) could not be added</source>
            <translation>
                <numerusform>%n 个文件无法添加</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n duplicate(s) skipped (already in the project)</source>
            <translation>
                <numerusform>跳过了 %n 个重复文件（已在项目中）</numerusform>
            </translation>
        </message>
        <message>
            <source>Photos like {name}</source>
            <translation>与 {name} 相似的照片</translation>
        </message>
        <message>
            <source>Looking for photos like {name}…</source>
            <translation>正在查找与 {name} 相似的照片…</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Drag photos onto a class to relabel them.</source>
            <translation>把照片拖到某个类别上即可重新归类。</translation>
        </message>
        <message>
            <source>No similar photos found.</source>
            <translation>没有找到相似的照片。</translation>
        </message>
        <message>
            <source>{len_results} most similar photos, most similar first:</source>
            <translation>最相似的 {len_results} 张照片，按相似度排列：</translation>
        </message>
        <message>
            <source>Could not search: {text}</source>
            <translation>无法搜索：{text}</translation>
        </message>
    </context>
    <context>
        <name>doctor_panel</name>
        <message>
            <source>Files that cannot be read</source>
            <extracomment>Each kind of finding, in the order shown, as its heading.</extracomment>
            <translation>无法读取的文件</translation>
        </message>
        <message>
            <source>Same photo in training and validation</source>
            <translation>同一张照片同时在训练集和验证集中</translation>
        </message>
        <message>
            <source>Exact duplicates</source>
            <translation>完全相同的重复照片</translation>
        </message>
        <message>
            <source>Near duplicates</source>
            <translation>近似重复照片</translation>
        </message>
        <message>
            <source>Likely in the wrong class</source>
            <translation>可能放错了类别</translation>
        </message>
        <message>
            <source>Classes with too few photos</source>
            <translation>照片太少的类别</translation>
        </message>
        <message>
            <source>Unbalanced classes</source>
            <translation>不均衡的类别</translation>
        </message>
        <message>
            <source>No automatic fix</source>
            <translation>没有自动修复</translation>
        </message>
        <message numerus="yes">
            <source>Fix: delete %n photo(s)</source>
            <translation>
                <numerusform>修复：删除 %n 张照片</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Fix: move %n photo(s) to Unlabelled</source>
            <translation>
                <numerusform>修复：把 %n 张照片移到未分类</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Fix: move %n photo(s) to '{to}'</source>
            <translation>
                <numerusform>修复：把 %n 张照片移到“{to}”</numerusform>
            </translation>
        </message>
        <message>
            <source>&lt;b&gt;Check my photos&lt;/b&gt;</source>
            <translation>&lt;b&gt;检查我的照片&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Check my photos</source>
            <translation>检查我的照片</translation>
        </message>
        <message>
            <source>Finds duplicates, the same photo in training and validation, photos that look like another class, classes too small or unbalanced, and files that cannot be read.</source>
            <translation>查找重复照片、同时出现在训练集和验证集中的照片、看起来属于其他类别的照片、太小或不均衡的类别，以及无法读取的文件。</translation>
        </message>
        <message>
            <source>Fix</source>
            <translation>修复</translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>撤销</translation>
        </message>
        <message>
            <source>Cannot check the photos: {exc}</source>
            <translation>无法检查照片：{exc}</translation>
        </message>
        <message>
            <source>No labelled photos to check yet: put photos into classes first.</source>
            <translation>还没有已分类的照片可检查：请先把照片放进类别。</translation>
        </message>
        <message>
            <source>Checking {n_photos} photos…</source>
            <translation>正在检查 {n_photos} 张照片…</translation>
        </message>
        <message>
            <source>Stopping…</source>
            <translation>正在停止…</translation>
        </message>
        <message>
            <source>Stopped. Click "Check my photos" to start again.</source>
            <translation>已停止。点击“检查我的照片”重新开始。</translation>
        </message>
        <message>
            <source>The check failed: {message}</source>
            <translation>检查失败：{message}</translation>
        </message>
        <message>
            <source>Check again</source>
            <translation>再次检查</translation>
        </message>
        <message numerus="yes">
            <source>Checked {n} photos in {secs:.1f} s: %n thing(s) to look at.</source>
            <translation>
                <numerusform>已在 {secs:.1f} 秒内检查 {n} 张照片：有 %n 处需要查看。</numerusform>
            </translation>
        </message>
        <message>
            <source>Checked {n} photos in {secs:.1f} s: nothing wrong found.</source>
            <translation>已在 {secs:.1f} 秒内检查 {n} 张照片：没有发现问题。</translation>
        </message>
        <message>
            <source>Select a finding to see its photos.</source>
            <translation>选择一项发现以查看其照片。</translation>
        </message>
        <message>
            <source>&lt;br&gt;&lt;span style="color:#666"&gt;Classes: {classes}&lt;/span&gt;</source>
            <translation>&lt;br&gt;&lt;span style="color:#666"&gt;类别：{classes}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>{name} (moved)</source>
            <translation>{name}（已移动）</translation>
        </message>
        <message>
            <source>Fixed (Undo to take it back)</source>
            <translation>已修复（撤销可恢复）</translation>
        </message>
    </context>
    <context>
        <name>export_dialog</name>
        <message>
            <source>&lt;br&gt;Checked on {n} test photos: the same answer as petcognizer on all (confidences differ by at most {diff:.1g}).</source>
            <translation>&lt;br&gt;已在 {n} 张测试照片上检查：全部与 petcognizer 的答案相同（置信度最多相差 {diff:.1g}）。</translation>
        </message>
        <message>
            <source>&lt;br&gt;Checked on {n} test photos: the same answer as petcognizer for {same} (confidences differ by at most {diff:.1g}).</source>
            <translation>&lt;br&gt;已在 {n} 张测试照片上检查：其中 {same} 张与 petcognizer 的答案相同（置信度最多相差 {diff:.1g}）。</translation>
        </message>
        <message>
            <source>needs onnx and onnxruntime: pip install -e '.[export]'</source>
            <translation>需要 onnx 和 onnxruntime：pip install -e '.[export]'</translation>
        </message>
        <message>
            <source>Export model</source>
            <translation>导出模型</translation>
        </message>
        <message>
            <source>{networks} networks voting</source>
            <translation>{networks} 个网络投票</translation>
        </message>
        <message>
            <source>the model</source>
            <translation>该模型</translation>
        </message>
        <message>
            <source>trained {when}, </source>
            <translation>训练于 {when}，</translation>
        </message>
        <message>
            <source>&lt;b&gt;Use this model outside petcognizer&lt;/b&gt;: in your own program, app or web page.&lt;br&gt;&lt;span style="color:#5f6670"&gt;{when}{what}&lt;/span&gt;</source>
            <translation>&lt;b&gt;在 petcognizer 之外使用此模型&lt;/b&gt;：用于您自己的程序、应用或网页。&lt;br&gt;&lt;span style="color:#5f6670"&gt;{when}{what}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>Run {run}: {backbone}
{model_path}</source>
            <translation>运行 {run}：{backbone}
{model_path}</translation>
        </message>
        <message>
            <source>Format</source>
            <translation>格式</translation>
        </message>
        <message>
            <source>Save as:</source>
            <translation>另存为：</translation>
        </message>
        <message>
            <source>Choose where to save the file</source>
            <translation>选择保存文件的位置</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>选择…</translation>
        </message>
        <message>
            <source>How to use it</source>
            <translation>使用方法</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>复制</translation>
        </message>
        <message>
            <source>Show in folder</source>
            <translation>在文件夹中显示</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>导出</translation>
        </message>
        <message>
            <source>Export model as</source>
            <translation>将模型导出为</translation>
        </message>
        <message>
            <source>Writing the {title} file, then checking that it gives the same answers as here</source>
            <translation>正在写入 {title} 文件，然后检查它与这里的答案是否相同</translation>
        </message>
        <message>
            <source> ({done} of {total})</source>
            <translation>（{done} / {total}）</translation>
        </message>
        <message>
            <source>Cancelling: the export stops at its next step</source>
            <translation>正在取消：导出会在下一步停止</translation>
        </message>
        <message>
            <source>{what}… {took} s so far.</source>
            <translation>{what}… 已用 {took} 秒。</translation>
        </message>
        <message>
            <source> and {name} (classes and preprocessing)</source>
            <translation>以及 {name}（类别和预处理）</translation>
        </message>
        <message>
            <source>, with a ready-to-run folder {name}</source>
            <translation>，并附带可直接运行的文件夹 {name}</translation>
        </message>
        <message>
            <source>The export had finished before it could stop. </source>
            <translation>导出在停止前已经完成。</translation>
        </message>
        <message>
            <source>{late}Saved &lt;b&gt;{dest}&lt;/b&gt;{extra}.{check}</source>
            <translation>{late}已保存 &lt;b&gt;{dest}&lt;/b&gt;{extra}。{check}</translation>
        </message>
        <message>
            <source>Export cancelled; nothing was saved.</source>
            <translation>导出已取消；未保存任何内容。</translation>
        </message>
        <message>
            <source>&lt;b&gt;Export failed.&lt;/b&gt; {exc}</source>
            <translation>&lt;b&gt;导出失败。&lt;/b&gt;{exc}</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Stop the export</source>
            <translation>停止导出</translation>
        </message>
    </context>
    <context>
        <name>formatting</name>
        <message>
            <source>{millions:.2f} M</source>
            <translation>{millions:.2f} M</translation>
        </message>
        <message>
            <source>{thousands:.1f} k</source>
            <translation>{thousands:.1f} k</translation>
        </message>
        <message>
            <source>Overfitting: validation loss has risen for {patience} epochs in a row while training loss keeps falling, so the model is memorising the training photos. Try fewer epochs, more photos per class, or turn on augmentation. (The best epoch so far is kept.)</source>
            <translation>过拟合：验证损失已连续 {patience} 轮上升，而训练损失仍在下降，说明模型在死记训练照片。请尝试减少轮数、每个类别多加照片，或开启数据增强。（会保留目前最好的一轮。）</translation>
        </message>
        <message>
            <source>ensemble: </source>
            <translation>集成：</translation>
        </message>
        <message>
            <source>dd MMM HH:mm</source>
            <translation>M月d日 HH:mm</translation>
        </message>
        <message>
            <source>no validation</source>
            <translation>无验证</translation>
        </message>
    </context>
    <context>
        <name>main_window</name>
        <message>
            <source>Data</source>
            <extracomment>False: errors go to the status bar and the log only (screenshots, scripts).</extracomment>
            <translation>数据</translation>
        </message>
        <message>
            <source>Train</source>
            <translation>训练</translation>
        </message>
        <message>
            <source>Predict</source>
            <translation>预测</translation>
        </message>
        <message>
            <source>Ready</source>
            <translation>就绪</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;New project…</source>
            <translation>新建项目(&amp;N)…</translation>
        </message>
        <message>
            <source>&amp;Open project…</source>
            <translation>打开项目(&amp;O)…</translation>
        </message>
        <message>
            <source>&amp;Import a folder of class folders…</source>
            <translation>导入按类别分好的文件夹(&amp;I)…</translation>
        </message>
        <message>
            <source>Open &amp;recent</source>
            <translation>最近打开(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Close project</source>
            <translation>关闭项目(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <source>&amp;Edit</source>
            <translation>编辑(&amp;E)</translation>
        </message>
        <message>
            <source>&amp;Undo</source>
            <translation>撤销(&amp;U)</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>重做(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Delete</source>
            <translation>删除(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <source>&amp;Keyboard shortcuts</source>
            <translation>键盘快捷键(&amp;K)</translation>
        </message>
        <message>
            <source>&amp;About petcognizer</source>
            <translation>关于 petcognizer(&amp;A)</translation>
        </message>
        <message>
            <source>&amp;Photos</source>
            <translation>照片(&amp;P)</translation>
        </message>
        <message>
            <source>&amp;Go</source>
            <translation>转到(&amp;G)</translation>
        </message>
        <message>
            <source>&amp;Data page</source>
            <translation>数据页(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Train page</source>
            <translation>训练页(&amp;T)</translation>
        </message>
        <message>
            <source>&amp;Predict page</source>
            <translation>预测页(&amp;P)</translation>
        </message>
        <message>
            <source>Start &amp;training</source>
            <translation>开始训练(&amp;T)</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Language (applies after a restart)</source>
            <translation>语言(&amp;L)（重启后生效）</translation>
        </message>
        <message>
            <source>System language ({name})</source>
            <translation>系统语言（{name}）</translation>
        </message>
        <message>
            <source>The window will be in {name} the next time petcognizer starts.</source>
            <translation>下次启动 petcognizer 时，界面语言将是 {name}。</translation>
        </message>
        <message>
            <source>Open or create a project first (Ctrl+N, Ctrl+O).</source>
            <translation>请先打开或新建一个项目（Ctrl+N、Ctrl+O）。</translation>
        </message>
        <message>
            <source>Training cannot start yet: the Train page says what is missing.</source>
            <translation>还不能开始训练：训练页会说明缺少什么。</translation>
        </message>
        <message>
            <source>&amp;Undo {undoText}</source>
            <translation>撤销(&amp;U)：{undoText}</translation>
        </message>
        <message>
            <source>&amp;Redo {redoText}</source>
            <translation>重做(&amp;R)：{redoText}</translation>
        </message>
        <message>
            <source>Wait until the photos being added are in, then undo.</source>
            <translation>请等正在添加的照片全部完成后再撤销。</translation>
        </message>
        <message>
            <source>Undone: {text}</source>
            <translation>已撤销：{text}</translation>
        </message>
        <message>
            <source>Wait until the photos being added are in, then redo.</source>
            <translation>请等正在添加的照片全部完成后再重做。</translation>
        </message>
        <message>
            <source>Redone: {text}</source>
            <translation>已重做：{text}</translation>
        </message>
        <message>
            <source>Opened {root}</source>
            <translation>已打开 {root}</translation>
        </message>
        <message>
            <source>Cannot open the project</source>
            <translation>无法打开项目</translation>
        </message>
        <message>
            <source>Cannot create the project</source>
            <translation>无法创建项目</translation>
        </message>
        <message>
            <source>Training is running</source>
            <translation>正在训练</translation>
        </message>
        <message>
            <source>Training is running. Stop it and close?</source>
            <translation>正在训练。要停止训练并关闭吗？</translation>
        </message>
        <message>
            <source>Could not save settings: {exc}</source>
            <translation>无法保存设置：{exc}</translation>
        </message>
        <message>
            <source>{name} — petcognizer</source>
            <translation>{name} — petcognizer</translation>
        </message>
        <message>
            <source>Could not re-read the runs: {exc}</source>
            <translation>无法重新读取训练记录：{exc}</translation>
        </message>
        <message>
            <source>No recent projects</source>
            <translation>没有最近的项目</translation>
        </message>
        <message>
            <source>There is no class '{class_name}' any more.</source>
            <translation>类别“{class_name}”已不存在。</translation>
        </message>
        <message>
            <source>Training finished: validation accuracy {best_val_acc:.0%}.</source>
            <translation>训练完成：验证准确率 {best_val_acc:.0%}。</translation>
        </message>
        <message>
            <source>Training finished.</source>
            <translation>训练完成。</translation>
        </message>
        <message>
            <source>About petcognizer</source>
            <translation>关于 petcognizer</translation>
        </message>
        <message>
            <source>&lt;h3&gt;petcognizer {version}&lt;/h3&gt;&lt;p&gt;Train image classifiers from folders of photos by transfer learning, offline, on your own computer.&lt;/p&gt;&lt;p&gt;Apache-2.0&lt;/p&gt;</source>
            <translation>&lt;h3&gt;petcognizer {version}&lt;/h3&gt;&lt;p&gt;通过迁移学习，用一个个照片文件夹训练图像分类器——离线运行，就在您自己的电脑上。&lt;/p&gt;&lt;p&gt;Apache-2.0&lt;/p&gt;</translation>
        </message>
    </context>
    <context>
        <name>mimedrop</name>
        <message>
            <source>A pasted picture of {mb} MB is too large to add; save it as a file and add the file.</source>
            <extracomment>Raw images above this size are refused (a photo is a few MB; this is a runaway paste). Mime formats carrying an encoded picture, best first (kept as they are: no re-encoding).</extracomment>
            <translation>粘贴的图片有 {mb} MB，太大无法添加；请先存成文件，再添加该文件。</translation>
        </message>
        <message>
            <source>Could not save the pasted photo as {path}: {exc}</source>
            <translation>无法把粘贴的照片保存为 {path}：{exc}</translation>
        </message>
        <message>
            <source> (and {n} more)</source>
            <translation>（另有 {n} 个）</translation>
        </message>
        <message>
            <source>The browser gave only a web address ({first}){more}, not the photo. petcognizer works offline and does not download. Save the photo to your computer (right-click it, "Save image as…") and drop the saved file, or copy the image (right-click, "Copy image") and paste it here with Ctrl+V.</source>
            <translation>浏览器只提供了网址（{first}）{more}，而不是照片本身。petcognizer 离线工作，不会下载。请把照片保存到电脑（右键，“图片另存为…”）再拖入保存的文件，或者复制图片（右键，“复制图片”）后在这里按 Ctrl+V 粘贴。</translation>
        </message>
    </context>
    <context>
        <name>mistakes</name>
        <message>
            <source>Show where the model looked</source>
            <extracomment>Longest side of the large photo, in pixels.</extracomment>
            <translation>显示模型看的位置</translation>
        </message>
        <message>
            <source>A heat map (Grad-CAM): red where the photo mattered most for the answer.</source>
            <translation>热力图（Grad-CAM）：红色是对答案影响最大的区域。</translation>
        </message>
        <message>
            <source>Move to class…</source>
            <translation>移到类别…</translation>
        </message>
        <message>
            <source>To Unlabelled</source>
            <translation>移到未分类</translation>
        </message>
        <message>
            <source>Not sure what it is: take it out of training (Ctrl+Z to undo).</source>
            <translation>不确定是什么：移出训练（Ctrl+Z 撤销）。</translation>
        </message>
        <message>
            <source>Move the photo to the project trash (Ctrl+Z to undo).</source>
            <translation>把照片移到项目回收站（Ctrl+Z 撤销）。</translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>撤销</translation>
        </message>
        <message>
            <source>Take back the last change to the photos (as Edit ▸ Undo).</source>
            <translation>撤回对照片的最后一次更改（同 编辑 ▸ 撤销）。</translation>
        </message>
        <message>
            <source>Mistakes</source>
            <translation>错误</translation>
        </message>
        <message>
            <source>Photos of '{true}' the model recognised</source>
            <translation>模型认出的“{true}”照片</translation>
        </message>
        <message>
            <source>Photos of '{true}' the model called '{predicted}'</source>
            <translation>被模型判为“{predicted}”的“{true}”照片</translation>
        </message>
        <message>
            <source>Each photo was judged by a model that had not seen it. Fix a wrong label in one click (or press 1–9 for a class, 0 for Unlabelled, Delete); Undo takes it back.</source>
            <translation>每张照片都由没见过它的模型来判断。一键修正错误的标签（或按 1–9 选类别，0 设为未分类，Delete 删除）；撤销可以恢复。</translation>
        </message>
        <message>
            <source> {fixed} fixed or moved since the run.</source>
            <translation>自本次训练以来已修正或移动 {fixed} 张。</translation>
        </message>
        <message>
            <source>Nothing left to fix here.</source>
            <translation>这里没有需要修正的了。</translation>
        </message>
        <message>
            <source>No photos.</source>
            <translation>没有照片。</translation>
        </message>
        <message>
            <source>Move to the class it said</source>
            <translation>移到模型所说的类别</translation>
        </message>
        <message>
            <source>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Labelled &lt;b&gt;{true}&lt;/b&gt;; the model agreed ({conf:.0f}% sure).</source>
            <translation>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;标签为 &lt;b&gt;{true}&lt;/b&gt;；模型同意（{conf:.0f}% 把握）。</translation>
        </message>
        <message>
            <source>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Labelled &lt;b&gt;{true}&lt;/b&gt;; the model said &lt;b&gt;{said}&lt;/b&gt; ({conf:.0f}% sure).</source>
            <translation>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;标签为 &lt;b&gt;{true}&lt;/b&gt;；模型判为 &lt;b&gt;{said}&lt;/b&gt;（{conf:.0f}% 把握）。</translation>
        </message>
        <message>
            <source>It is a '{said}': move it there</source>
            <translation>这是“{said}”：移过去</translation>
        </message>
        <message>
            <source>No heat map: the model file of this run is gone.</source>
            <translation>没有热力图：这次训练的模型文件已不存在。</translation>
        </message>
        <message>
            <source>Finding where the model looked…</source>
            <translation>正在查找模型看的位置…</translation>
        </message>
        <message>
            <source>This photo cannot be read.</source>
            <translation>无法读取这张照片。</translation>
        </message>
        <message>
            <source>Red: where it looked to say '{name}'.</source>
            <translation>红色：模型判为“{name}”时看的位置。</translation>
        </message>
        <message>
            <source>No heat map: {message}</source>
            <translation>没有热力图：{message}</translation>
        </message>
    </context>
    <context>
        <name>new_project</name>
        <message>
            <source>My pets</source>
            <translation>我的宠物</translation>
        </message>
        <message>
            <source>New project</source>
            <translation>新建项目</translation>
        </message>
        <message>
            <source>Name your project</source>
            <translation>为项目命名</translation>
        </message>
        <message>
            <source>For example: My pets</source>
            <translation>例如：我的宠物</translation>
        </message>
        <message>
            <source>The project is a folder of this name; your photos are copied into it</source>
            <translation>项目是一个同名文件夹；您的照片会复制到其中</translation>
        </message>
        <message>
            <source>Change…</source>
            <translation>更改…</translation>
        </message>
        <message>
            <source>Choose another folder to keep your projects in (remembered)</source>
            <translation>选择另一个存放项目的文件夹（会记住）</translation>
        </message>
        <message>
            <source>Create</source>
            <translation>创建</translation>
        </message>
        <message>
            <source>In {folder}</source>
            <translation>位于 {folder}</translation>
        </message>
        <message>
            <source>Type a name (letters or numbers).</source>
            <translation>请输入名称（字母或数字）。</translation>
        </message>
        <message>
            <source>Will be made at
{path}</source>
            <translation>将创建于
{path}</translation>
        </message>
        <message>
            <source>Will be made at {path}</source>
            <translation>将创建于 {path}</translation>
        </message>
        <message>
            <source>A folder '{typed}' exists there already; it is left alone and the new project is '{name}'.</source>
            <translation>那里已有文件夹“{typed}”；它不会被改动，新项目将命名为“{name}”。</translation>
        </message>
        <message>
            <source>Where to keep your projects</source>
            <translation>项目存放位置</translation>
        </message>
    </context>
    <context>
        <name>photo_fixes</name>
        <message>
            <source>{what} failed: {exc}</source>
            <translation>{what}失败：{exc}</translation>
        </message>
        <message>
            <source>Could not move the photos: {exc}</source>
            <translation>无法移动照片：{exc}</translation>
        </message>
        <message>
            <source>Unlabelled</source>
            <translation>未分类</translation>
        </message>
        <message numerus="yes">
            <source>Moved %n photo(s) to {where} (Ctrl+Z to undo).</source>
            <translation>
                <numerusform>已将 %n 张照片移到 {where}（Ctrl+Z 撤销）。</numerusform>
            </translation>
        </message>
        <message>
            <source>Could not delete the photos: {exc}</source>
            <translation>无法删除照片：{exc}</translation>
        </message>
        <message numerus="yes">
            <source>Moved %n photo(s) to the project trash (Ctrl+Z to undo).</source>
            <translation>
                <numerusform>已将 %n 张照片移到项目回收站（Ctrl+Z 撤销）。</numerusform>
            </translation>
        </message>
        <message>
            <source>This fix cannot be applied here (unknown action {action!r}).</source>
            <translation>这里无法应用此修复（未知操作 {action!r}）。</translation>
        </message>
    </context>
    <context>
        <name>photo_grid</name>
        <message>
            <source>Drop photos here</source>
            <extracomment>Captions longer than this many lines are shortened in the middle (the full name is the tooltip).</extracomment>
            <translation>把照片拖到这里</translation>
        </message>
        <message>
            <source>Add photos…</source>
            <translation>添加照片…</translation>
        </message>
        <message>
            <source>Add folder…</source>
            <translation>添加文件夹…</translation>
        </message>
        <message>
            <source>No project open</source>
            <translation>没有打开的项目</translation>
        </message>
        <message>
            <source>Choose File ▸ New project… (Ctrl+N) or File ▸ Open project… (Ctrl+O) to start.</source>
            <translation>选择 文件 ▸ 新建项目…（Ctrl+N）或 文件 ▸ 打开项目…（Ctrl+O）开始。</translation>
        </message>
        <message>
            <source>No unlabelled photos</source>
            <translation>没有未分类的照片</translation>
        </message>
        <message>
            <source>Drop photos or folders here (from your file manager or a web browser), paste them with Ctrl+V, or click Add photos…
Then drag them onto a class card, or select them and press 1–9.</source>
            <translation>把照片或文件夹拖到这里（从文件管理器或浏览器），用 Ctrl+V 粘贴，或点击“添加照片…”
然后把它们拖到某个类别卡片上，或选中后按 1–9。</translation>
        </message>
        <message>
            <source>No photos of '{name}' yet</source>
            <translation>还没有“{name}”的照片</translation>
        </message>
        <message>
            <source>Drop photos of '{name}' here or on its card, paste them with Ctrl+V, or click Add photos…
One photo is enough to start; three or more give an honest accuracy estimate; more, in different places and light, help most.</source>
            <translation>把“{name}”的照片拖到这里或它的卡片上，用 Ctrl+V 粘贴，或点击“添加照片…”
一张照片就能开始；三张以上能给出可靠的准确率估计；在不同地点和光线下拍的更多照片最有帮助。</translation>
        </message>
    </context>
    <context>
        <name>plots</name>
        <message>
            <source>The training curves appear here while a model trains.</source>
            <translation>训练模型时，训练曲线会显示在这里。</translation>
        </message>
    </context>
    <context>
        <name>predict_input</name>
        <message>
            <source>Photos to classify</source>
            <translation>要识别的照片</translation>
        </message>
        <message>
            <source>Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff *.heic);;All files (*)</source>
            <translation>图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff *.heic);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Folder of photos to classify</source>
            <translation>要识别的照片文件夹</translation>
        </message>
        <message>
            <source>The clipboard holds no photo. Copy a photo or an image file, then press Ctrl+V here.</source>
            <translation>剪贴板里没有照片。请复制一张照片或图片文件，然后在这里按 Ctrl+V。</translation>
        </message>
    </context>
    <context>
        <name>predict_page</name>
        <message>
            <source>Model:</source>
            <translation>模型：</translation>
        </message>
        <message>
            <source>Open model file…</source>
            <translation>打开模型文件…</translation>
        </message>
        <message>
            <source>Add photos…</source>
            <translation>添加照片…</translation>
        </message>
        <message>
            <source>Add folder…</source>
            <translation>添加文件夹…</translation>
        </message>
        <message>
            <source>Paste</source>
            <translation>粘贴</translation>
        </message>
        <message>
            <source>Classify the photo or picture on the clipboard (Ctrl+V).</source>
            <translation>识别剪贴板中的照片或图片（Ctrl+V）。</translation>
        </message>
        <message>
            <source>Show top</source>
            <translation>显示前</translation>
        </message>
        <message>
            <source> labels</source>
            <translation> 个标签</translation>
        </message>
        <message>
            <source>Spot photos that fit no class</source>
            <translation>找出不属于任何类别的照片</translation>
        </message>
        <message>
            <source>Flag a photo that looks like none of the photos the model learnt from ("Not one of: …"). Applies to the photos classified next.</source>
            <translation>标记与模型学过的照片都不像的照片（“都不是：…”）。对之后识别的照片生效。</translation>
        </message>
        <message>
            <source>Clear</source>
            <translation>清除</translation>
        </message>
        <message>
            <source>Save CSV…</source>
            <translation>保存 CSV…</translation>
        </message>
        <message>
            <source>Save path, label, probability for every photo and top label.</source>
            <translation>为每张照片保存路径、标签、概率和最可能的标签。</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <source>No photos here.</source>
            <translation>这里没有照片。</translation>
        </message>
        <message>
            <source>Paste photos</source>
            <extracomment>the cards, as many a line as the width allows</extracomment>
            <translation>粘贴照片</translation>
        </message>
        <message>
            <source>{acc} val. accuracy</source>
            <translation>验证准确率 {acc}</translation>
        </message>
        <message>
            <source>, stopped early</source>
            <translation>，已提前停止</translation>
        </message>
        <message>
            <source>Run {when} · {name} · {acc_text}{stopped}</source>
            <translation>训练于 {when} · {name} · {acc_text}{stopped}</translation>
        </message>
        <message>
            <source>File: {name}</source>
            <translation>文件：{name}</translation>
        </message>
        <message>
            <source>No model yet: train one on the Train page, or open a model file (.safetensors).</source>
            <translation>还没有模型：在训练页训练一个，或打开一个模型文件（.safetensors）。</translation>
        </message>
        <message numerus="yes">
            <source>{backbone} · %n class(es): {shown}</source>
            <translation>
                <numerusform>{backbone} · %n 个类别：{shown}</numerusform>
            </translation>
        </message>
        <message>
            <source>Open a petcognizer model</source>
            <translation>打开 petcognizer 模型</translation>
        </message>
        <message>
            <source>petcognizer models (*.safetensors)</source>
            <translation>petcognizer 模型 (*.safetensors)</translation>
        </message>
        <message>
            <source>Choose a model first: train one on the Train page, or click “Open model file…”.</source>
            <translation>请先选择模型：在训练页训练一个，或点击“打开模型文件…”。</translation>
        </message>
        <message>
            <source>Classifying…</source>
            <translation>正在识别…</translation>
        </message>
        <message>
            <source> · {images_per_s:.0f} photos/s</source>
            <translation> · 每秒 {images_per_s:.0f} 张</translation>
        </message>
        <message>
            <source>Stopped.</source>
            <translation>已停止。</translation>
        </message>
        <message>
            <source>&lt;b&gt;Could not classify.&lt;/b&gt; {message}</source>
            <translation>&lt;b&gt;无法识别。&lt;/b&gt;{message}</translation>
        </message>
        <message>
            <source>Making thumbnails…</source>
            <translation>正在生成缩略图…</translation>
        </message>
        <message>
            <source>No model: no heat map.</source>
            <translation>没有模型：无法生成热力图。</translation>
        </message>
        <message>
            <source>No heat map: {message}</source>
            <translation>没有热力图：{message}</translation>
        </message>
        <message>
            <source>Save predictions</source>
            <translation>保存预测结果</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>CSV 文件 (*.csv)</translation>
        </message>
        <message>
            <source>Could not save {path}: {reason}</source>
            <translation>无法保存 {path}：{reason}</translation>
        </message>
        <message>
            <source>Saved {n} predictions to {path}</source>
            <translation>已将 {n} 条预测保存到 {path}</translation>
        </message>
        <message>
            <source>No model to predict with yet.

Train one on the Train page, or click “Open model file…” to use a .safetensors model.</source>
            <translation>还没有可用于预测的模型。

在训练页训练一个，或点击“打开模型文件…”使用 .safetensors 模型。</translation>
        </message>
        <message>
            <source>Drop photos or folders here

or click “Add photos…” / “Add folder…”, or paste a photo (Ctrl+V).
Each photo gets its most likely classes; a wrong one can be put in the right class with one click.</source>
            <translation>把照片或文件夹拖到这里

或点击“添加照片…”/“添加文件夹…”，或粘贴照片（Ctrl+V）。
每张照片都会得到最可能的类别；猜错的可以一键放进正确的类别。</translation>
        </message>
    </context>
    <context>
        <name>predict_summary</name>
        <message numerus="yes">
            <source>%n photo(s) classified</source>
            <translation>
                <numerusform>已识别 %n 张照片</numerusform>
            </translation>
        </message>
        <message>
            <source>; {n_err} could not be read</source>
            <translation>；{n_err} 张无法读取</translation>
        </message>
        <message>
            <source>; 1 looks like none of the classes</source>
            <translation>；1 张不像任何类别</translation>
        </message>
        <message>
            <source>; {n} look like none of the classes</source>
            <translation>；{n} 张不像任何类别</translation>
        </message>
        <message>
            <source>. A wrong guess? Click the right class under the photo.</source>
            <translation>。猜错了？点击照片下方正确的类别。</translation>
        </message>
        <message>
            <source>All {len_preds}</source>
            <translation>全部 {len_preds}</translation>
        </message>
        <message>
            <source>Show every photo.</source>
            <translation>显示所有照片。</translation>
        </message>
        <message>
            <source>Needs review {n_review}</source>
            <translation>需复查 {n_review}</translation>
        </message>
        <message>
            <source>Photos worth a look: the model is unsure (below 70%), the photo looks like none of the classes, or the file could not be read.</source>
            <translation>值得一看的照片：模型没把握（低于 70%）、照片不像任何类别，或文件无法读取。</translation>
        </message>
        <message numerus="yes">
            <source>%n photo(s) the model says are “{name}”.</source>
            <translation>
                <numerusform>模型认为 %n 张照片是“{name}”。</numerusform>
            </translation>
        </message>
        <message>
            <source>None of these {n_unknown}</source>
            <translation>都不是 {n_unknown}</translation>
        </message>
        <message>
            <source>Photos that look like none of the classes the model knows.</source>
            <translation>不像模型所知任何类别的照片。</translation>
        </message>
        <message>
            <source>Can't read {n_error}</source>
            <translation>无法读取 {n_error}</translation>
        </message>
        <message>
            <source>Files that could not be read as photos.</source>
            <translation>无法作为照片读取的文件。</translation>
        </message>
    </context>
    <context>
        <name>prediction_rows</name>
        <message>
            <source> … ({len_names} classes)</source>
            <translation> …（共 {len_names} 个类别）</translation>
        </message>
        <message>
            <source>Not one of: {shown}</source>
            <translation>都不是：{shown}</translation>
        </message>
        <message>
            <source>Not one of the classes</source>
            <translation>不属于任何类别</translation>
        </message>
        <message>
            <source>Sure</source>
            <extracomment>The photo's size while its heat map is shown. The least width of a card's right-hand side (badge, classes, buttons). The top class's probability from which a guess is "Sure" / "Fairly sure"; below: "Unsure".</extracomment>
            <translation>有把握</translation>
        </message>
        <message>
            <source>Fairly sure</source>
            <translation>较有把握</translation>
        </message>
        <message>
            <source>Unsure</source>
            <translation>没把握</translation>
        </message>
        <message>
            <source>None of these</source>
            <translation>都不是</translation>
        </message>
        <message>
            <source>Can't read</source>
            <translation>无法读取</translation>
        </message>
        <message>
            <source>This file could not be read: {error}</source>
            <translation>无法读取此文件：{error}</translation>
        </message>
        <message>
            <source>no answer</source>
            <translation>没有答案</translation>
        </message>
        <message>
            <source>This photo looks like none of the photos the model learnt from (out-of-distribution score {score:.2f}); its classes are only guesses.</source>
            <translation>这张照片与模型学过的照片都不像（分布外得分 {score:.2f}）；给出的类别只是猜测。</translation>
        </message>
        <message>
            <source>The model gives “{label}” a probability of {top:.1%} (softmax of the top class). Sure: {SURE:.0%} or more; fairly sure: {FAIRLY_SURE:.0%} or more; unsure: less.</source>
            <translation>模型给“{label}”的概率为 {top:.1%}（最高类别的 softmax）。有把握：{SURE:.0%} 及以上；较有把握：{FAIRLY_SURE:.0%} 及以上；没把握：更低。</translation>
        </message>
        <message>
            <source>Where it
looked</source>
            <extracomment>the class this photo was sent to (until an undo takes it out again)</extracomment>
            <translation>看的
位置</translation>
        </message>
        <message>
            <source>Show a heat map over the photo: red where it mattered most for the answer (Grad-CAM).</source>
            <translation>在照片上显示热力图：红色是对答案影响最大的区域（Grad-CAM）。</translation>
        </message>
        <message>
            <source>Could not read {name}: {error}</source>
            <translation>无法读取 {name}：{error}</translation>
        </message>
        <message>
            <source>Add to class…</source>
            <translation>加入类别…</translation>
        </message>
        <message>
            <source>Put this photo in any class of the project.</source>
            <translation>把这张照片放进项目的任一类别。</translation>
        </message>
        <message>
            <source>This file could not be read, so it cannot go into a class.</source>
            <translation>此文件无法读取，因此不能放进类别。</translation>
        </message>
        <message>
            <source>Put this photo in the class “{label}” of the project (Ctrl+Z undoes it).</source>
            <translation>把这张照片放进项目的“{label}”类别（Ctrl+Z 撤销）。</translation>
        </message>
        <message>
            <source>Open a project to put photos in its classes.</source>
            <translation>打开一个项目，才能把照片放进它的类别。</translation>
        </message>
        <message>
            <source>Sent to “{class_name}”</source>
            <translation>已放入“{class_name}”</translation>
        </message>
        <message>
            <source>Finding where it looked…</source>
            <translation>正在查找模型看的位置…</translation>
        </message>
        <message>
            <source>Sent to “{sent_to}”</source>
            <translation>已放入“{sent_to}”</translation>
        </message>
        <message>
            <source>Red: where it looked to say “{name}”</source>
            <translation>红色：模型判为“{name}”时看的位置</translation>
        </message>
    </context>
    <context>
        <name>result_card</name>
        <message numerus="yes">
            <source>%n photo(s)</source>
            <translation>
                <numerusform>%n 张照片</numerusform>
            </translation>
        </message>
        <message>
            <source>leave-one-out cross-validation</source>
            <translation>留一交叉验证</translation>
        </message>
        <message>
            <source>{int_folds}-fold cross-validation</source>
            <translation>{int_folds} 折交叉验证</translation>
        </message>
        <message>
            <source>Measured by {how} on {photos}: each photo was judged by a model trained without it.</source>
            <translation>用{how}在{photos}上测得：每张照片都由没用它训练的模型来判断。</translation>
        </message>
        <message>
            <source>Measured on {photos} kept aside for validation (the model never trained on them).</source>
            <translation>在留作验证的{photos}上测得（模型从未用它们训练）。</translation>
        </message>
        <message>
            <source>&lt;b&gt;Per class&lt;/b&gt;</source>
            <translation>&lt;b&gt;按类别&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Class</source>
            <translation>类别</translation>
        </message>
        <message>
            <source>Photos</source>
            <translation>照片</translation>
        </message>
        <message>
            <source>Right (range)</source>
            <translation>正确率（范围）</translation>
        </message>
        <message>
            <source>&lt;b&gt;What it said&lt;/b&gt; (click a number to see those photos)</source>
            <translation>&lt;b&gt;模型的判断&lt;/b&gt;（点击数字查看这些照片）</translation>
        </message>
        <message>
            <source>Browse mistakes…</source>
            <translation>浏览错误…</translation>
        </message>
        <message>
            <source>Every wrong answer, most confidently wrong first, with one-click fixes.</source>
            <translation>所有错误答案，最自信的错误排在最前，可一键修正。</translation>
        </message>
        <message>
            <source>No run yet</source>
            <translation>还没有训练</translation>
        </message>
        <message>
            <source>Train a model: its accuracy, measured honestly, appears here.</source>
            <translation>训练一个模型：这里会显示如实测得的准确率。</translation>
        </message>
        <message>
            <source>Best validation accuracy: {acc}</source>
            <translation>最佳验证准确率：{acc}</translation>
        </message>
        <message>
            <source>Accuracy not measured</source>
            <translation>未测量准确率</translation>
        </message>
        <message>
            <source>This run was made before accuracy was measured on unseen photos, so there is no interval, per-class accuracy or confusion matrix. Train again to get them.</source>
            <translation>这次训练早于在未见照片上测量准确率的版本，因此没有区间、各类别准确率和混淆矩阵。重新训练即可获得。</translation>
        </message>
        <message>
            <source>This run had no validation photos and was made before accuracy was measured by cross-validation. Train again to see how good the model is.</source>
            <translation>这次训练没有验证照片，且早于用交叉验证测量准确率的版本。重新训练才能知道模型有多好。</translation>
        </message>
        <message>
            <source>About {percent} right ({interval})</source>
            <translation>大约 {percent} 正确（{interval}）</translation>
        </message>
        <message>
            <source>well calibrated</source>
            <translation>校准良好</translation>
        </message>
        <message>
            <source>roughly calibrated</source>
            <translation>大致校准</translation>
        </message>
        <message>
            <source>not well calibrated</source>
            <translation>校准不佳</translation>
        </message>
        <message>
            <source>Its confidence is {quality}: on average a stated confidence is off by {value:.1f} points (expected calibration error).</source>
            <translation>其置信度{quality}：平均而言，给出的置信度偏差 {value:.1f} 个百分点（期望校准误差）。</translation>
        </message>
        <message numerus="yes">
            <source>Browse %n mistake(s)…</source>
            <translation>
                <numerusform>浏览 %n 个错误…</numerusform>
            </translation>
        </message>
        <message>
            <source>No mistakes to browse</source>
            <translation>没有可浏览的错误</translation>
        </message>
        <message>
            <source>— (no photo measured)</source>
            <translation>—（没有测量的照片）</translation>
        </message>
        <message>
            <source>Right on {percent} of the {n} photos of '{name}'; with 95% confidence between {interval}.</source>
            <translation>在 {n} 张“{name}”照片中正确 {percent}；95% 置信区间为 {interval}。</translation>
        </message>
    </context>
    <context>
        <name>run_history</name>
        <message>
            <source>When</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Network</source>
            <translation>网络</translation>
        </message>
        <message>
            <source>Trains</source>
            <translation>训练部分</translation>
        </message>
        <message>
            <source>Right (range)</source>
            <translation>正确率（范围）</translation>
        </message>
        <message>
            <source>Rounds</source>
            <translation>轮数</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>用时</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>已停止</translation>
        </message>
        <message>
            <source>no model</source>
            <translation>没有模型</translation>
        </message>
        <message>
            <source>finished</source>
            <translation>已完成</translation>
        </message>
        <message>
            <source>{len_members} networks</source>
            <translation>{len_members} 个网络</translation>
        </message>
        <message>
            <source>Runs</source>
            <translation>训练记录</translation>
        </message>
        <message>
            <source>No runs yet. Finished runs are listed here; click one to see its curves and settings.</source>
            <translation>还没有训练记录。完成的训练会列在这里；点击一条可查看它的曲线和设置。</translation>
        </message>
        <message>
            <source>Predict with this run</source>
            <translation>用这次训练的模型预测</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <source>head only</source>
            <translation>仅分类头</translation>
        </message>
        <message>
            <source>head + {depth} stages</source>
            <translation>分类头 + {depth} 个阶段</translation>
        </message>
        <message>
            <source>{done} of {epochs}</source>
            <translation>{done} / {epochs}</translation>
        </message>
        <message>
            <source>Accuracy on the validation photos</source>
            <translation>验证照片上的准确率</translation>
        </message>
        <message>
            <source>Run {id}, {created}</source>
            <translation>训练 {id}，{created}</translation>
        </message>
    </context>
    <context>
        <name>run_progress</name>
        <message>
            <source>The pretrained network (backbone) computes its features of every photo once; they are cached for the next run.</source>
            <translation>预训练网络（backbone）为每张照片计算一次特征；特征会缓存供下次使用。</translation>
        </message>
        <message>
            <source>A new classifier head learns your classes from those features.</source>
            <translation>新的分类头根据这些特征学习您的类别。</translation>
        </message>
        <message>
            <source>Cross-validation: each photo is judged by a model that did not learn from it, which gives the accuracy and calibration.</source>
            <translation>交叉验证：每张照片都由没用它学习的模型来判断，由此得到准确率和校准。</translation>
        </message>
        <message>
            <source>Cancel download</source>
            <translation>取消下载</translation>
        </message>
        <message>
            <source>Not training</source>
            <translation>未在训练</translation>
        </message>
        <message>
            <source>%p%</source>
            <translation>%p%</translation>
        </message>
        <message>
            <source>Starting</source>
            <translation>正在开始</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>Stopped</source>
            <translation>已停止</translation>
        </message>
        <message>
            <source>network {member} of {members}: </source>
            <translation>第 {member} / {members} 个网络：</translation>
        </message>
        <message>
            <source>, {n_val} kept back to check it</source>
            <translation>，其中 {n_val} 张留作检验</translation>
        </message>
        <message>
            <source>Reading {n} photos{kept}</source>
            <translation>正在读取 {n} 张照片{kept}</translation>
        </message>
        <message>
            <source>Learning: round {epoch} of {epochs}</source>
            <translation>学习中：第 {epoch} / {epochs} 轮</translation>
        </message>
        <message>
            <source>Reading photos</source>
            <translation>读取照片</translation>
        </message>
        <message>
            <source>{done:.1f} of {total:.0f} MB</source>
            <translation>{done:.1f} / {total:.0f} MB</translation>
        </message>
        <message>
            <source>Downloading the backbone's weights…</source>
            <translation>正在下载 backbone 的权重…</translation>
        </message>
        <message>
            <source>Checking how good it is</source>
            <translation>正在检验效果</translation>
        </message>
        <message>
            <source>Learning</source>
            <translation>学习</translation>
        </message>
        <message>
            <source>{images_per_s:.0f} photos/s</source>
            <translation>每秒 {images_per_s:.0f} 张</translation>
        </message>
        <message>
            <source>Training failed.</source>
            <translation>训练失败。</translation>
        </message>
        <message>
            <source>Finished</source>
            <translation>已完成</translation>
        </message>
        <message>
            <source> Accuracy on the photos kept back: {percent:.1f}%</source>
            <translation>留作检验的照片上准确率：{percent:.1f}%</translation>
        </message>
        <message>
            <source> (round {epoch}).</source>
            <translation>（第 {epoch} 轮）。</translation>
        </message>
        <message>
            <source>{what} after {duration}.{acc}</source>
            <translation>{what}，用时 {duration}。{acc}</translation>
        </message>
        <message>
            <source>Epoch {epoch} of {epochs} · batch {batch} of {steps} · {images_per_s:.0f} photos/s · loss {loss:.3f}</source>
            <translation>第 {epoch} / {epochs} 轮 · 第 {batch} / {steps} 批 · 每秒 {images_per_s:.0f} 张 · 损失 {loss:.3f}</translation>
        </message>
    </context>
    <context>
        <name>shortcuts</name>
        <message>
            <source>Data page: photos</source>
            <extracomment>Keys that work without a menu entry: (where, key, what it does).</extracomment>
            <translation>数据页：照片</translation>
        </message>
        <message>
            <source>Put the selected photos in class 1 – 9 (the number on its card)</source>
            <translation>把选中的照片放进第 1 – 9 个类别（卡片上的数字）</translation>
        </message>
        <message>
            <source>Move the selected photos to Unlabelled</source>
            <translation>把选中的照片移到未分类</translation>
        </message>
        <message>
            <source>Label as… any class (the tenth and later too)</source>
            <translation>归类到任意类别（包括第十个及以后）</translation>
        </message>
        <message>
            <source>Select every photo shown</source>
            <translation>选中显示的所有照片</translation>
        </message>
        <message>
            <source>Arrows, Shift+Arrows</source>
            <translation>方向键、Shift+方向键</translation>
        </message>
        <message>
            <source>Move in the photos, select more</source>
            <translation>在照片间移动、扩大选择</translation>
        </message>
        <message>
            <source>Move the selected photos to the project trash</source>
            <translation>把选中的照片移到项目回收站</translation>
        </message>
        <message>
            <source>Menu key</source>
            <translation>菜单键</translation>
        </message>
        <message>
            <source>The photo menu (label, find similar, delete)</source>
            <translation>照片菜单（归类、查找相似、删除）</translation>
        </message>
        <message>
            <source>Data page: class cards</source>
            <translation>数据页：类别卡片</translation>
        </message>
        <message>
            <source>Go to the class cards</source>
            <translation>转到类别卡片</translation>
        </message>
        <message>
            <source>Arrows</source>
            <translation>方向键</translation>
        </message>
        <message>
            <source>Move between the cards</source>
            <translation>在卡片间移动</translation>
        </message>
        <message>
            <source>Enter or Space</source>
            <translation>回车或空格</translation>
        </message>
        <message>
            <source>Show the card's photos</source>
            <translation>显示卡片的照片</translation>
        </message>
        <message>
            <source>F2 / Del</source>
            <translation>F2 / Del</translation>
        </message>
        <message>
            <source>Rename / delete the card's class</source>
            <translation>重命名 / 删除卡片的类别</translation>
        </message>
        <message>
            <source>The card's menu (rename, ImageNet match, delete)</source>
            <translation>卡片菜单（重命名、ImageNet 对应、删除）</translation>
        </message>
        <message>
            <source>Ctrl+Alt+1 – 9, Ctrl+0</source>
            <translation>Ctrl+Alt+1 – 9、Ctrl+0</translation>
        </message>
        <message>
            <source>Show class 1 – 9, Unlabelled</source>
            <translation>显示第 1 – 9 个类别、未分类</translation>
        </message>
        <message>
            <source>New class name</source>
            <translation>新类别名称</translation>
        </message>
        <message>
            <source>Enter / Esc</source>
            <translation>回车 / Esc</translation>
        </message>
        <message>
            <source>Add the class / cancel</source>
            <translation>添加类别 / 取消</translation>
        </message>
        <message>
            <source>Anywhere</source>
            <translation>任意位置</translation>
        </message>
        <message>
            <source>Tab, Shift+Tab</source>
            <translation>Tab、Shift+Tab</translation>
        </message>
        <message>
            <source>Move between buttons and fields; Space or Enter presses a button</source>
            <translation>在按钮和输入框之间移动；空格或回车按下按钮</translation>
        </message>
        <message>
            <source>Alt+letter</source>
            <translation>Alt+字母</translation>
        </message>
        <message>
            <source>Open a menu (the underlined letter)</source>
            <translation>打开菜单（带下划线的字母）</translation>
        </message>
        <message>
            <source>{menu} menu</source>
            <translation>{menu}菜单</translation>
        </message>
        <message>
            <source>Keyboard shortcuts</source>
            <translation>键盘快捷键</translation>
        </message>
        <message>
            <source>Everything in petcognizer can be done from the keyboard. Menu entries show their keys too.</source>
            <translation>petcognizer 的所有操作都能用键盘完成。菜单项也会显示各自的按键。</translation>
        </message>
        <message>
            <source>Keys</source>
            <translation>按键</translation>
        </message>
        <message>
            <source>What it does</source>
            <translation>作用</translation>
        </message>
    </context>
    <context>
        <name>stage_diagram</name>
        <message>
            <source>new head</source>
            <translation>新分类头</translation>
        </message>
        <message>
            <source>image → features → classes</source>
            <translation>图像 → 特征 → 类别</translation>
        </message>
    </context>
    <context>
        <name>start_page</name>
        <message>
            <source>  (not found)</source>
            <translation>  （未找到）</translation>
        </message>
        <message>
            <source>Teach your computer to recognize your photos: one class per kind of photo, then train, check and export. Everything stays on this computer.</source>
            <translation>教电脑认出您的照片：每类照片建一个类别，然后训练、检验并导出。一切都留在这台电脑上。</translation>
        </message>
        <message>
            <source>New project…</source>
            <translation>新建项目…</translation>
        </message>
        <message>
            <source>Type a name, add a class for each kind of photo, drop photos on them.</source>
            <translation>输入名称，为每类照片添加一个类别，再把照片拖上去。</translation>
        </message>
        <message>
            <source>Open project…</source>
            <translation>打开项目…</translation>
        </message>
        <message>
            <source>Continue with a project folder.</source>
            <translation>继续使用一个项目文件夹。</translation>
        </message>
        <message>
            <source>Import a folder of class folders…</source>
            <translation>导入按类别分好的文件夹…</translation>
        </message>
        <message>
            <source>A folder with one subfolder of photos per class, e.g. photos/cat, photos/dog.</source>
            <translation>一个文件夹，每个类别一个放照片的子文件夹，例如 photos/cat、photos/dog。</translation>
        </message>
        <message>
            <source>Recent projects</source>
            <translation>最近的项目</translation>
        </message>
        <message>
            <source>Remove from list</source>
            <translation>从列表中移除</translation>
        </message>
        <message>
            <source>Projects you create or open appear here, so you can come back to them with one click.</source>
            <translation>您新建或打开的项目会显示在这里，一键即可回到它们。</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>开始</translation>
        </message>
        <message>
            <source>{name}  (not found)
{parent}</source>
            <translation>{name}  （未找到）
{parent}</translation>
        </message>
        <message>
            <source>{path}
This folder is missing or no longer a project; right-click to remove it.</source>
            <translation>{path}
此文件夹不存在或已不再是项目；右键可将其移除。</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>打开</translation>
        </message>
    </context>
    <context>
        <name>suggestions</name>
        <message>
            <source>None of the class names means something the pretrained network knows, and no model is trained yet. Train a model first, or give classes names like 'cat' and 'dog'.</source>
            <extracomment>Rows at or above this confidence (percent) start checked. Shown when there is neither a trained model nor a class name ImageNet knows.</extracomment>
            <translation>没有任何类别名称对应预训练网络知道的概念，而且还没有训练过模型。请先训练一个模型，或把类别命名为 “cat”、“dog” 这样的名称。</translation>
        </message>
        <message>
            <source>Suggested labels</source>
            <translation>建议的标签</translation>
        </message>
        <message>
            <source>Photo</source>
            <translation>照片</translation>
        </message>
        <message>
            <source>Suggested class</source>
            <translation>建议的类别</translation>
        </message>
        <message>
            <source>Confidence</source>
            <translation>置信度</translation>
        </message>
        <message>
            <source>Check every photo whose suggestion is at least this confident</source>
            <translation>勾选建议置信度不低于此值的所有照片</translation>
        </message>
        <message>
            <source>Back to photos</source>
            <translation>返回照片</translation>
        </message>
        <message>
            <source>Accept checked</source>
            <translation>接受勾选的</translation>
        </message>
        <message>
            <source>Move the checked photos into their suggested classes (Ctrl+Z undoes)</source>
            <translation>把勾选的照片移到建议的类别（Ctrl+Z 撤销）</translation>
        </message>
        <message>
            <source>Check photos at or above</source>
            <translation>勾选置信度不低于</translation>
        </message>
        <message numerus="yes">
            <source>Looking at %n unlabelled photo(s)…</source>
            <translation>
                <numerusform>正在查看 %n 张未分类的照片…</numerusform>
            </translation>
        </message>
        <message>
            <source>Looking at the photos: {done} of {total}</source>
            <translation>正在查看照片：{done} / {total}</translation>
        </message>
        <message>
            <source>Stopping…</source>
            <translation>正在停止…</translation>
        </message>
        <message>
            <source>There are no suggestions: every unlabelled photo failed to load.</source>
            <translation>没有建议：所有未分类的照片都无法加载。</translation>
        </message>
        <message>
            <source>{k} of {n} checked</source>
            <translation>已勾选 {k} / {n}</translation>
        </message>
        <message>
            <source>Accept {k} checked</source>
            <translation>接受勾选的 {k} 张</translation>
        </message>
    </context>
    <context>
        <name>train_estimate</name>
        <message>
            <source>Reading photos</source>
            <extracomment>Photos per second of feature extraction on a 2-core CPU (bench/train_eta_bench.py). Measured on 60 photos of 400x320 px at load average 2 (bench/results/train_eta.json). Any other backbone: photos per second. Building a network and loading its weights, seconds. Learning a head on cached features (hundreds of small steps), seconds. Checking (cross-validation on cached features): seconds, plus per network, plus per photo.</extracomment>
            <translation>读取照片</translation>
        </message>
        <message>
            <source>Learning</source>
            <translation>学习</translation>
        </message>
        <message>
            <source>Checking</source>
            <translation>检验</translation>
        </message>
        <message>
            <source>a few seconds left</source>
            <translation>还剩几秒</translation>
        </message>
        <message>
            <source>a few seconds</source>
            <translation>几秒</translation>
        </message>
        <message>
            <source>about {s} s left</source>
            <translation>还剩约 {s} 秒</translation>
        </message>
        <message>
            <source>about {s} s</source>
            <translation>约 {s} 秒</translation>
        </message>
        <message>
            <source>about {m} min left</source>
            <translation>还剩约 {m} 分钟</translation>
        </message>
        <message>
            <source>about {m} min</source>
            <translation>约 {m} 分钟</translation>
        </message>
        <message>
            <source>about {h} h {m:02d} min left</source>
            <translation>还剩约 {h} 小时 {m:02d} 分钟</translation>
        </message>
        <message>
            <source>about {h} h {m:02d} min</source>
            <translation>约 {h} 小时 {m:02d} 分钟</translation>
        </message>
    </context>
    <context>
        <name>train_mistakes</name>
        <message>
            <source>Mistakes of this run</source>
            <translation>本次训练的错误</translation>
        </message>
        <message>
            <source>'{true}' called '{predicted}'</source>
            <translation>“{true}”被判为“{predicted}”</translation>
        </message>
    </context>
    <context>
        <name>train_page</name>
        <message>
            <source>How good is it?</source>
            <extracomment>``make_job(project, config) -&gt; job(callback, cancel)``: a job run on a thread instead of the engine (tests). True while the form follows the data (recommended settings), False once set by hand.</extracomment>
            <translation>效果如何？</translation>
        </message>
        <message>
            <source>Training curves</source>
            <translation>训练曲线</translation>
        </message>
        <message>
            <source>Settings recommended for {n_images} photos in {n_classes} classes.</source>
            <translation>为 {n_classes} 个类别共 {n_images} 张照片推荐的设置。</translation>
        </message>
        <message>
            <source>Open or create a project on the Start page to train a model.</source>
            <translation>在开始页打开或新建项目，即可训练模型。</translation>
        </message>
        <message>
            <source>&lt;b&gt;Nothing to train yet.&lt;/b&gt; Add at least 2 classes with photos on the Data page, then click Train.</source>
            <translation>&lt;b&gt;还没有可训练的内容。&lt;/b&gt;请在数据页添加至少 2 个有照片的类别，然后点击“训练”。</translation>
        </message>
        <message>
            <source>Cannot start training: {exc}</source>
            <translation>无法开始训练：{exc}</translation>
        </message>
        <message>
            <source>Stopping after the current batch… the best model so far is kept.</source>
            <translation>当前批次结束后停止… 会保留目前最好的模型。</translation>
        </message>
        <message>
            <source>Cancelling the download…</source>
            <translation>正在取消下载…</translation>
        </message>
        <message>
            <source>Training on: &lt;b&gt;{device}&lt;/b&gt;</source>
            <translation>训练设备：&lt;b&gt;{device}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Training was cancelled before it learnt anything.</source>
            <translation>训练在学到任何东西之前就被取消了。</translation>
        </message>
        <message>
            <source>&lt;b&gt;Training stopped with an error.&lt;/b&gt; {text}</source>
            <translation>&lt;b&gt;训练因错误而停止。&lt;/b&gt;{text}</translation>
        </message>
        <message>
            <source>Training failed.</source>
            <translation>训练失败。</translation>
        </message>
        <message>
            <source>not measured (no photos kept back)</source>
            <translation>未测量（没有留作检验的照片）</translation>
        </message>
        <message>
            <source>{accuracy} right</source>
            <translation>正确率 {accuracy}</translation>
        </message>
        <message>
            <source>The run of {when}: {what}, trained in {duration}. Its settings are under Expert settings.</source>
            <translation>{when} 的训练：{what}，用时 {duration}。它的设置见“专家设置”。</translation>
        </message>
        <message>
            <source>{acc} right on the photos kept back</source>
            <translation>在留作检验的照片上正确率 {acc}</translation>
        </message>
        <message>
            <source>Run {id} on {device}</source>
            <translation>训练 {id}，设备 {device}</translation>
        </message>
    </context>
    <context>
        <name>train_settings</name>
        <message>
            <source>Linear (fastest; best with few photos)</source>
            <extracomment>backbone name -&gt; parameter count of each stage (input to output).</extracomment>
            <translation>线性（最快；照片少时最好）</translation>
        </message>
        <message>
            <source>Pooling + dropout + linear</source>
            <translation>池化 + dropout + 线性</translation>
        </message>
        <message>
            <source>Hidden layer + dropout</source>
            <translation>隐藏层 + dropout</translation>
        </message>
        <message>
            <source>Nearest class mean (frozen backbone)</source>
            <translation>最近类均值（backbone 冻结）</translation>
        </message>
        <message>
            <source>All at once</source>
            <translation>一次全部</translation>
        </message>
        <message>
            <source>Unfreeze gradually (head first)</source>
            <translation>逐步解冻（先训练分类头）</translation>
        </message>
        <message>
            <source>Automatic (GPU if there is one)</source>
            <translation>自动（有 GPU 就用 GPU）</translation>
        </message>
        <message>
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <source>NVIDIA GPU (CUDA)</source>
            <translation>NVIDIA GPU（CUDA）</translation>
        </message>
        <message>
            <source>Apple GPU (MPS)</source>
            <translation>Apple GPU（MPS）</translation>
        </message>
        <message>
            <source>Network (the pretrained backbone)</source>
            <translation>网络（预训练 backbone）</translation>
        </message>
        <message>
            <source>What trains</source>
            <translation>训练哪些部分</translation>
        </message>
        <message>
            <source>Frozen</source>
            <translation>冻结</translation>
        </message>
        <message>
            <source>How many of the backbone's top stages train. Left: only the new head trains (fast, best with few photos). Right: the whole network trains (slow, needs many photos).</source>
            <translation>backbone 顶部有几个阶段参与训练。最左：只训练新的分类头（快，照片少时最好）。最右：训练整个网络（慢，需要大量照片）。</translation>
        </message>
        <message>
            <source>Trains</source>
            <translation>训练部分</translation>
        </message>
        <message>
            <source>Training</source>
            <translation>训练</translation>
        </message>
        <message>
            <source>Head:</source>
            <translation>分类头：</translation>
        </message>
        <message>
            <source> epochs</source>
            <translation> 轮</translation>
        </message>
        <message>
            <source>Length:</source>
            <translation>时长：</translation>
        </message>
        <message>
            <source>Step size of the optimiser (AdamW). The arrows halve or double it.</source>
            <translation>优化器（AdamW）的步长。箭头会将其减半或加倍。</translation>
        </message>
        <message>
            <source>Learning rate:</source>
            <translation>学习率：</translation>
        </message>
        <message>
            <source> photos</source>
            <translation> 张</translation>
        </message>
        <message>
            <source>Batch size:</source>
            <translation>批大小：</translation>
        </message>
        <message>
            <source>Schedule:</source>
            <translation>计划：</translation>
        </message>
        <message>
            <source>Random crop and flip</source>
            <translation>随机裁剪和翻转</translation>
        </message>
        <message>
            <source>Colour jitter</source>
            <translation>颜色抖动</translation>
        </message>
        <message>
            <source>Cutout (random erasing)</source>
            <translation>Cutout（随机擦除）</translation>
        </message>
        <message>
            <source>Augmentation:</source>
            <translation>数据增强：</translation>
        </message>
        <message>
            <source>Use class-name knowledge (ImageNet prior)</source>
            <translation>利用类别名称的知识（ImageNet 先验）</translation>
        </message>
        <message>
            <source>When a class name matches ImageNet categories (e.g. "tabby cat"), start from what the backbone already knows. Only with the whole backbone frozen.</source>
            <translation>当类别名称与 ImageNet 类别吻合时（例如“tabby cat”），从 backbone 已有的知识出发。仅在 backbone 完全冻结时可用。</translation>
        </message>
        <message>
            <source>Ensemble of the 3 bundled backbones</source>
            <translation>3 个内置 backbone 的集成</translation>
        </message>
        <message>
            <source>Train a head on EfficientNet-Lite0, -Lite1 and -Lite2 and average their answers: more accurate with few photos, about 5x the compute.</source>
            <translation>在 EfficientNet-Lite0、-Lite1 和 -Lite2 上各训练一个分类头并平均它们的答案：照片少时更准，计算量约为 5 倍。</translation>
        </message>
        <message>
            <source>Recommended settings</source>
            <translation>推荐设置</translation>
        </message>
        <message>
            <source>Fill the settings from the number of photos and classes.</source>
            <translation>根据照片和类别的数量填写设置。</translation>
        </message>
        <message>
            <source>More settings</source>
            <translation>更多设置</translation>
        </message>
        <message>
            <source>Weight decay:</source>
            <translation>权重衰减：</translation>
        </message>
        <message>
            <source>Label smoothing:</source>
            <translation>标签平滑：</translation>
        </message>
        <message>
            <source>Head dropout:</source>
            <translation>分类头 dropout：</translation>
        </message>
        <message>
            <source> % of photos</source>
            <translation> % 的照片</translation>
        </message>
        <message>
            <source>Photos held back to measure accuracy. 0: train on everything (no validation).</source>
            <translation>留出来测量准确率的照片。0：全部用于训练（不验证）。</translation>
        </message>
        <message>
            <source>Validation:</source>
            <translation>验证：</translation>
        </message>
        <message>
            <source>Stop early after:</source>
            <translation>提前停止：</translation>
        </message>
        <message>
            <source>Warm-up:</source>
            <translation>预热：</translation>
        </message>
        <message>
            <source> per photo</source>
            <translation> 次/张</translation>
        </message>
        <message>
            <source>With augmentation and a frozen backbone (or prefix), this many augmented views of each photo are computed once and reused.</source>
            <translation>在数据增强且 backbone（或其前段）冻结时，每张照片的这么多个增强版本只计算一次并重复使用。</translation>
        </message>
        <message>
            <source>Augmented views:</source>
            <translation>增强版本数：</translation>
        </message>
        <message>
            <source>Progressive resizing (3/4 size first; all stages training)</source>
            <translation>渐进式尺寸（先用 3/4 尺寸；所有阶段参与训练）</translation>
        </message>
        <message>
            <source>Weight classes by their photo counts</source>
            <translation>按照片数量为类别加权</translation>
        </message>
        <message>
            <source>Off: guesses follow how many photos each class has, best when new photos come in the same shares. On: every class counts the same, so a small class is guessed more often.</source>
            <translation>关闭：猜测遵循每个类别的照片数量，新照片按相同比例出现时效果最好。开启：每个类别同等重要，因此小类别会被更常猜中。</translation>
        </message>
        <message>
            <source>Update BatchNorm statistics in trained stages</source>
            <translation>在训练的阶段中更新 BatchNorm 统计量</translation>
        </message>
        <message>
            <source>Random seed:</source>
            <translation>随机种子：</translation>
        </message>
        <message>
            <source>Device:</source>
            <translation>设备：</translation>
        </message>
        <message>
            <source>ready</source>
            <translation>就绪</translation>
        </message>
        <message>
            <source>not in this build</source>
            <translation>此版本不含</translation>
        </message>
        <message>
            <source>download {download_mb:.0f} MB</source>
            <translation>需下载 {download_mb:.0f} MB</translation>
        </message>
        <message>
            <source>not installed</source>
            <translation>未安装</translation>
        </message>
        <message>
            <source>{name}  ({params_m:g} M{top1}) · {short}</source>
            <translation>{name}  （{params_m:g} M{top1}）· {short}</translation>
        </message>
        <message>
            <source>{family}: {params:g} M parameters, ImageNet top-1 {top1}%. {description}
Weights: {status}.</source>
            <translation>{family}：{params:g} M 参数，ImageNet top-1 {top1}%。{description}
权重：{status}。</translation>
        </message>
        <message>
            <source>&lt;span style="color:#2e7d32"&gt;Ready: {status}&lt;/span&gt;</source>
            <translation>&lt;span style="color:#2e7d32"&gt;就绪：{status}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>&lt;span style="color:#a15c00"&gt;Not on this computer yet: {status} (done automatically when you train)&lt;/span&gt;</source>
            <translation>&lt;span style="color:#a15c00"&gt;这台电脑上还没有：{status}（训练时自动完成）&lt;/span&gt;</translation>
        </message>
        <message>
            <source>{family} · {params_m:g} M parameters · ImageNet top-1 {top1} · {input_size} px&lt;br&gt;{ready_text}</source>
            <translation>{family} · {params_m:g} M 参数 · ImageNet top-1 {top1} · {input_size} px&lt;br&gt;{ready_text}</translation>
        </message>
        <message>
            <source>Only the new head trains (the backbone stays as it is: fast).</source>
            <translation>只训练新的分类头（backbone 保持不变：快）。</translation>
        </message>
        <message>
            <source>Everything trains: all {n} stages and the head (slow; needs many photos).</source>
            <translation>全部训练：所有 {n} 个阶段和分类头（慢；需要大量照片）。</translation>
        </message>
        <message>
            <source>The head and the top {d} of {n} stages train.</source>
            <translation>训练分类头和顶部 {d} / {n} 个阶段。</translation>
        </message>
        <message>
            <source>Counting parameters…</source>
            <translation>正在统计参数…</translation>
        </message>
        <message>
            <source>Trainable backbone parameters: {format_params_trainable} of {format_params_total} (plus the head)</source>
            <translation>可训练的 backbone 参数：{format_params_trainable} / {format_params_total}（另加分类头）</translation>
        </message>
        <message>
            <source>The class-name prior needs the whole backbone frozen (slider at the left).</source>
            <translation>类别名称先验需要 backbone 完全冻结（滑块拉到最左）。</translation>
        </message>
        <message>
            <source>Parameter count unavailable.</source>
            <translation>无法获得参数数量。</translation>
        </message>
    </context>
    <context>
        <name>train_simple</name>
        <message>
            <source>One network (EfficientNet-Lite0): recommended settings for your photos (frozen backbone, linear head, class-name prior).</source>
            <translation>一个网络（EfficientNet-Lite0）：为您的照片推荐的设置（冻结 backbone、线性分类头、类别名称先验）。</translation>
        </message>
        <message>
            <source>Quick</source>
            <translation>快速</translation>
        </message>
        <message>
            <source>Most accurate</source>
            <translation>最准确</translation>
        </message>
        <message>
            <source>Three networks (EfficientNet-Lite0, -Lite1 and -Lite2, an ensemble) whose answers are averaged: the recommended settings plus the ensemble. More accurate with few photos; about 3 to 4 times as long.</source>
            <translation>三个网络（EfficientNet-Lite0、-Lite1 和 -Lite2 组成的集成），答案取平均：推荐设置加上集成。照片少时更准；用时约为 3 到 4 倍。</translation>
        </message>
        <message>
            <source>One network: the fastest.</source>
            <translation>一个网络：最快。</translation>
        </message>
        <message>
            <source>Three networks vote: usually a little more accurate, takes longer.</source>
            <translation>三个网络投票：通常更准一点，用时更长。</translation>
        </message>
        <message>
            <source>{len_classes} kinds ({names})</source>
            <translation>{len_classes} 类（{names}）</translation>
        </message>
        <message>
            <source>{len_classes} kinds</source>
            <translation>{len_classes} 类</translation>
        </message>
        <message>
            <source>petcognizer will learn to tell {kinds} apart from {n_images} photos.</source>
            <translation>petcognizer 将从 {n_images} 张照片中学会区分 {kinds}。</translation>
        </message>
        <message>
            <source>petcognizer will learn to tell {kinds} apart from {n_images} photos: {time} on this computer.</source>
            <translation>petcognizer 将从 {n_images} 张照片中学会区分 {kinds}：在这台电脑上{time}。</translation>
        </message>
        <message>
            <source>Using your own settings (see Expert settings). Pick a choice above to go back to the recommended ones.</source>
            <translation>正在使用您自己的设置（见“专家设置”）。选择上面的一项即可恢复推荐设置。</translation>
        </message>
        <message>
            <source>Train</source>
            <translation>开始训练</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <source>Stop after the current batch; the best model so far is kept.</source>
            <translation>当前批次结束后停止；会保留目前最好的模型。</translation>
        </message>
        <message>
            <source>Expert settings</source>
            <translation>专家设置</translation>
        </message>
        <message>
            <source>The network (backbone), what trains, head, epochs, learning rate, batch size, augmentation, validation split, device…</source>
            <translation>网络（backbone）、训练哪些部分、分类头、轮数、学习率、批大小、数据增强、验证比例、设备…</translation>
        </message>
        <message>
            <source>The network itself trains, as your photos are unlike everyday photos: {time} on this computer.</source>
            <translation>您的照片与日常照片不同，因此会训练整个网络：在这台电脑上{time}。</translation>
        </message>
        <message>
            <source>Only its last layer trains: {time}.</source>
            <translation>只训练最后一层：{time}。</translation>
        </message>
        <message>
            <source>Recommended for these photos: Most accurate.</source>
            <translation>这些照片推荐使用"最准确"。</translation>
        </message>
        <message>
            <source>Looking at your photos to choose the settings…</source>
            <translation>正在查看您的照片以选择设置…</translation>
        </message>
    </context>
    <context>
        <name>undo</name>
        <message>
            <source>Unlabelled</source>
            <translation>未分类</translation>
        </message>
        <message numerus="yes">
            <source>Add %n photo(s) to {target}</source>
            <translation>
                <numerusform>把 %n 张照片添加到 {target}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Move %n photo(s) to {target}</source>
            <translation>
                <numerusform>把 %n 张照片移到 {target}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Delete %n photo(s)</source>
            <translation>
                <numerusform>删除 %n 张照片</numerusform>
            </translation>
        </message>
        <message>
            <source>Add class '{name}'</source>
            <translation>添加类别“{name}”</translation>
        </message>
        <message>
            <source>Rename '{old}' to '{new}'</source>
            <translation>把“{old}”重命名为“{new}”</translation>
        </message>
        <message numerus="yes">
            <source>Delete class '{name}' (%n photo(s))</source>
            <translation>
                <numerusform>删除类别“{name}”（%n 张照片）</numerusform>
            </translation>
        </message>
        <message>
            <source>Delete class '{name}'</source>
            <translation>删除类别“{name}”</translation>
        </message>
    </context>
    <context>
        <name>widgets</name>
        <message>
            <source>Dismiss</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
    </context>
    <context>
        <name>window_projects</name>
        <message>
            <source>Made the project '{name}' at {target}. Add a class for each kind of photo.</source>
            <translation>已在 {target} 创建项目“{name}”。请为每类照片添加一个类别。</translation>
        </message>
        <message>
            <source>The project you had open last, '{name}', is not at {parent} any more (moved, renamed or deleted?). Open it from where it is now, or start a new one.</source>
            <translation>上次打开的项目“{name}”已不在 {parent}（被移动、重命名或删除了？）。请从它现在的位置打开，或新建一个项目。</translation>
        </message>
        <message>
            <source>Open a project folder</source>
            <translation>打开项目文件夹</translation>
        </message>
        <message>
            <source>Choose the folder that holds one subfolder per class</source>
            <translation>选择每个类别各有一个子文件夹的文件夹</translation>
        </message>
        <message>
            <source>Import a folder of class folders</source>
            <translation>导入按类别分好的文件夹</translation>
        </message>
        <message>
            <source>Importing photos from {src}…</source>
            <translation>正在从 {src} 导入照片…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Importing {src}…</source>
            <translation>正在导入 {src}…</translation>
        </message>
        <message>
            <source>Importing photos: {done} of {total}</source>
            <translation>正在导入照片：{done} / {total}</translation>
        </message>
        <message numerus="yes">
            <source>Imported %n photo(s) into {classes} classes.</source>
            <translation>
                <numerusform>已将 %n 张照片导入 {classes} 个类别。</numerusform>
            </translation>
        </message>
        <message>
            <source> {len_refused} files could not be added (listed on the Data page).</source>
            <translation>有 {len_refused} 个文件无法添加（列在数据页上）。</translation>
        </message>
        <message>
            <source> Import stopped before the end; the photos added so far are in the project.</source>
            <translation>导入已中途停止；已添加的照片都在项目中。</translation>
        </message>
        <message>
            <source>Cannot import the folder</source>
            <translation>无法导入该文件夹</translation>
        </message>
    </context>
</TS>
