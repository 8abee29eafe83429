<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
    <context>
        <name>app</name>
        <message>
            <source>Cannot write the screenshot {path}; check the folder is writable.</source>
            <extracomment>Window size of the screenshots. How long after the window is shown the engine process starts warming up.</extracomment>
            <translation>Не удалось записать снимок экрана {path}; проверьте, что в папку можно писать.</translation>
        </message>
        <message>
            <source>petcognizer: could not open the project {project}</source>
            <translation>petcognizer: не удалось открыть проект {project}</translation>
        </message>
        <message>
            <source>petcognizer: {exc}</source>
            <translation>petcognizer: {exc}</translation>
        </message>
    </context>
    <context>
        <name>class_bins</name>
        <message>
            <source>Unlabelled</source>
            <extracomment>Width of a card, in pixels (the height follows its text). Sample photos shown on a card.</extracomment>
            <translation>Без класса</translation>
        </message>
        <message numerus="yes">
            <source>%n photo(s)</source>
            <translation>
                <numerusform>%n фото</numerusform>
                <numerusform>%n фото</numerusform>
                <numerusform>%n фото</numerusform>
            </translation>
        </message>
        <message>
            <source>not used for training</source>
            <translation>не используются в обучении</translation>
        </message>
        <message>
            <source>photos without a class</source>
            <translation>фото без класса</translation>
        </message>
        <message numerus="yes">
            <source>{name}: %n photo(s). Click to see them; drop photos here to add them.</source>
            <translation>
                <numerusform>{name}: %n фото. Щёлкните, чтобы посмотреть; перетащите сюда фото, чтобы добавить.</numerusform>
                <numerusform>{name}: %n фото. Щёлкните, чтобы посмотреть; перетащите сюда фото, чтобы добавить.</numerusform>
                <numerusform>{name}: %n фото. Щёлкните, чтобы посмотреть; перетащите сюда фото, чтобы добавить.</numerusform>
            </translation>
        </message>
        <message>
            <source> Select photos and press {key} to put them here.</source>
            <translation> Выделите фото и нажмите {key}, чтобы переместить их сюда.</translation>
        </message>
        <message>
            <source> Select photos and press {key} to put them in this class.</source>
            <translation> Выделите фото и нажмите {key}, чтобы отнести их к этому классу.</translation>
        </message>
        <message>
            <source> Select photos and press Ctrl+L ("Label as…") to put them in this class.</source>
            <translation> Выделите фото и нажмите Ctrl+L («Отнести к…»), чтобы отнести их к этому классу.</translation>
        </message>
        <message>
            <source>nothing ImageNet knows</source>
            <translation>ничему из ImageNet</translation>
        </message>
        <message>
            <source>
ImageNet match: {meaning}. Right-click ▸ ImageNet match… to change it.</source>
            <translation>
Соответствие в ImageNet: {meaning}. Правый щелчок ▸ Соответствие в ImageNet…, чтобы изменить.</translation>
        </message>
        <message>
            <source>+  Add class</source>
            <translation>+  Добавить класс</translation>
        </message>
        <message>
            <source>Add a class: a kind of photo to recognize, e.g. "cat" (Ctrl+Shift+N)</source>
            <translation>Добавить класс — вид фото, который нужно узнавать, например «кошка» (Ctrl+Shift+N)</translation>
        </message>
        <message>
            <source>Name, then Enter</source>
            <translation>Имя, затем Enter</translation>
        </message>
        <message>
            <source>The name of the new class, e.g. "cat". Enter adds it, Esc cancels.</source>
            <translation>Имя нового класса, например «кошка». Enter — добавить, Esc — отмена.</translation>
        </message>
        <message>
            <source>Type a name, then press Enter</source>
            <translation>Введите имя и нажмите Enter</translation>
        </message>
    </context>
    <context>
        <name>class_match_dialog</name>
        <message numerus="yes">
            <source>%n ImageNet output(s)</source>
            <extracomment>:attr:`ClassMatchDialog.choice` meaning "remove the override, match automatically".</extracomment>
            <translation>
                <numerusform>%n выход ImageNet</numerusform>
                <numerusform>%n выхода ImageNet</numerusform>
                <numerusform>%n выходов ImageNet</numerusform>
            </translation>
        </message>
        <message>
            <source>no match</source>
            <translation>нет соответствия</translation>
        </message>
        <message>
            <source>Change the ImageNet match of '{name}'</source>
            <translation>Изменить соответствие «{name}» в ImageNet</translation>
        </message>
        <message>
            <source>ImageNet match of '{name}'</source>
            <translation>Соответствие «{name}» в ImageNet</translation>
        </message>
        <message>
            <source>petcognizer uses what the pretrained network knows about '{name}' when you have few photos. Pick the concept this class means, or clear it if none fits.</source>
            <translation>Когда фото мало, petcognizer использует то, что предобученная сеть знает о «{name}». Выберите понятие, которое означает этот класс, или сбросьте, если ничего не подходит.</translation>
        </message>
        <message>
            <source>&lt;b&gt;no match&lt;/b&gt; (the photos alone decide)</source>
            <translation>&lt;b&gt;нет соответствия&lt;/b&gt; (решают только фото)</translation>
        </message>
        <message>
            <source>&lt;b&gt;{name}&lt;/b&gt; ({outputs_text})</source>
            <translation>&lt;b&gt;{name}&lt;/b&gt; ({outputs_text})</translation>
        </message>
        <message>
            <source>your choice</source>
            <translation>ваш выбор</translation>
        </message>
        <message>
            <source>automatic, from the name</source>
            <translation>автоматически, по имени</translation>
        </message>
        <message>
            <source>Current match: {now}, {where}.</source>
            <translation>Текущее соответствие: {now}, {where}.</translation>
        </message>
        <message>
            <source>Search ImageNet concepts, e.g. "retriever", "tabby"…</source>
            <translation>Поиск понятий ImageNet, например «retriever», «tabby»…</translation>
        </message>
        <message>
            <source>Use</source>
            <translation>Выбрать</translation>
        </message>
        <message>
            <source>Use the selected concept for this class</source>
            <translation>Использовать выбранное понятие для этого класса</translation>
        </message>
        <message>
            <source>Clear match</source>
            <translation>Сбросить</translation>
        </message>
        <message>
            <source>This class means nothing ImageNet knows: let the photos alone decide</source>
            <translation>Этот класс не соответствует ничему из ImageNet: пусть решают только фото</translation>
        </message>
        <message>
            <source>Automatic</source>
            <translation>Автоматически</translation>
        </message>
        <message>
            <source>Forget your choice and match from the name ({auto_text})</source>
            <translation>Забыть ваш выбор и подобрать по имени ({auto_text})</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Отмена</translation>
        </message>
        <message>
            <source>  (current)</source>
            <translation>  (текущее)</translation>
        </message>
        <message>
            <source>WordNet {wnid}: {len_outputs} of the 1,000 ImageNet outputs</source>
            <translation>WordNet {wnid}: {len_outputs} из 1000 выходов ImageNet</translation>
        </message>
        <message>
            <source>Type a word to search.</source>
            <translation>Введите слово для поиска.</translation>
        </message>
        <message>
            <source>Nothing in ImageNet is called "{strip}".</source>
            <translation>В ImageNet нет ничего под названием «{strip}».</translation>
        </message>
        <message>
            <source>Double-click a concept, or select it and click Use.</source>
            <translation>Дважды щёлкните понятие или выделите его и нажмите «Выбрать».</translation>
        </message>
    </context>
    <context>
        <name>confusion</name>
        <message>
            <source>said {c}</source>
            <translation>ответ: {c}</translation>
        </message>
        <message>
            <source>is {c}</source>
            <translation>на самом деле: {c}</translation>
        </message>
        <message>
            <source>{count} photos of '{truth}' were recognised. Click to see them.</source>
            <translation>Фото «{truth}», узнанных верно: {count}. Щёлкните, чтобы посмотреть.</translation>
        </message>
        <message>
            <source>{count} photos of '{truth}' were called '{said}'. Click to see and fix them.</source>
            <translation>Фото «{truth}», принятых за «{said}»: {count}. Щёлкните, чтобы посмотреть и исправить.</translation>
        </message>
        <message>
            <source>No photo of '{truth}' was called '{said}'.</source>
            <translation>Ни одно фото «{truth}» не принято за «{said}».</translation>
        </message>
    </context>
    <context>
        <name>core</name>
        <message>
            <source>petcognizer model (.safetensors)</source>
            <extracomment>The core's fixed texts of the formats (core.exportformats), listed for lupdate: the dialog translates them by lookup, and a text the core changes shows in English until it is listed here.</extracomment>
            <translation>Модель petcognizer (.safetensors)</translation>
        </message>
        <message>
            <source>petcognizer model file (.safetensors): weights, classes and preprocessing; load with petcognizer or safetensors</source>
            <translation>Файл модели petcognizer (.safetensors): веса, классы и предобработка; загружается petcognizer или safetensors</translation>
        </message>
        <message>
            <source>ONNX (.onnx + .onnx.json): runs in ONNX Runtime, no PyTorch needed</source>
            <translation>ONNX (.onnx + .onnx.json): работает в ONNX Runtime, PyTorch не нужен</translation>
        </message>
        <message>
            <source>TorchScript (.pt): runs with plain PyTorch, no petcognizer needed</source>
            <translation>TorchScript (.pt): работает с обычным PyTorch, petcognizer не нужен</translation>
        </message>
        <message>
            <source>bundled</source>
            <extracomment>The core's fixed weight states (core.backbones.weights_status), listed for lupdate: translated by lookup; the templated ones (a missing package, a damaged file) stay English.</extracomment>
            <translation>встроен</translation>
        </message>
        <message>
            <source>downloaded</source>
            <translation>загружен</translation>
        </message>
        <message>
            <source>random weights (tests)</source>
            <translation>случайные веса (для тестов)</translation>
        </message>
    </context>
    <context>
        <name>core_text</name>
        <message>
            <source>'{name}' ({count})</source>
            <translation>«{name}» ({count})</translation>
        </message>
        <message>
            <source>'{name}'</source>
            <translation>«{name}»</translation>
        </message>
        <message>
            <source>, </source>
            <translation>, </translation>
        </message>
        <message>
            <source>{names} and {rest} more</source>
            <translation>{names} и ещё {rest}</translation>
        </message>
        <message>
            <source>{names} and {last}</source>
            <translation>{names} и {last}</translation>
        </message>
        <message>
            <source>add a photo to start</source>
            <translation>добавьте фото, чтобы начать</translation>
        </message>
        <message numerus="yes">
            <source>%n more for an estimate</source>
            <translation>
                <numerusform>ещё %n — для оценки точности</numerusform>
                <numerusform>ещё %n — для оценки точности</numerusform>
                <numerusform>ещё %n — для оценки точности</numerusform>
            </translation>
        </message>
        <message>
            <source>more photos help</source>
            <translation>больше фото — лучше</translation>
        </message>
        <message numerus="yes">
            <source> %n unlabelled photo(s) not used until they have a class.</source>
            <translation>
                <numerusform> %n фото без класса не используется, пока не получит класс.</numerusform>
                <numerusform> %n фото без класса не используются, пока не получат класс.</numerusform>
                <numerusform> %n фото без класса не используются, пока не получат класс.</numerusform>
            </translation>
        </message>
        <message>
            <source>Add a class for each kind of photo (for example "cat" and "dog"), then drop photos on its card.</source>
            <translation>Добавьте класс для каждого вида фото (например, «кошка» и «собака»), затем перетащите фото на его карточку.</translation>
        </message>
        <message>
            <source>Add a second class: the app learns to tell classes apart, so '{name}' needs something to be told from.</source>
            <translation>Добавьте второй класс: программа учится различать классы, и «{name}» нужно с чем-то сравнивать.</translation>
        </message>
        <message>
            <source>To start, {which} needs at least one photo: drop photos on its card.</source>
            <translation>Чтобы начать, классу {which} нужно хотя бы одно фото: перетащите фото на его карточку.</translation>
        </message>
        <message>
            <source>To start, {which} each need at least one photo: drop photos on their cards.</source>
            <translation>Чтобы начать, классам {which} нужно хотя бы по одному фото: перетащите фото на их карточки.</translation>
        </message>
        <message>
            <source>Ready to train: with few photos the class names help. For an honest accuracy estimate, give every class {n} photos or more: {which}.</source>
            <translation>Можно обучать: при малом числе фото помогают имена классов. Для честной оценки точности дайте каждому классу от {n} фото: {which}.</translation>
        </message>
        <message>
            <source>Ready to train, with an honest accuracy estimate. What helps most: more photos, in different places and light, of {which}.</source>
            <translation>Можно обучать, с честной оценкой точности. Больше всего помогут новые фото — в разных местах и при разном свете — для {which}.</translation>
        </message>
        <message>
            <source>Ready to train, with an honest accuracy estimate. More photos in different places and light still help.</source>
            <translation>Можно обучать, с честной оценкой точности. Новые фото в разных местах и при разном свете всё равно помогают.</translation>
        </message>
    </context>
    <context>
        <name>curves</name>
        <message>
            <source>Left: the loss (cross-entropy) on the training photos per batch and per epoch, and on the validation photos; lower is better.
Right: the share of photos named right (accuracy). One round is one epoch: every training photo seen once.</source>
            <translation>Слева: потери (перекрёстная энтропия) на обучающих фото по пакетам и по эпохам, а также на проверочных фото; чем ниже, тем лучше.
Справа: доля верно названных фото (точность). Один круг — одна эпоха: каждое обучающее фото просмотрено один раз.</translation>
        </message>
        <message>
            <source>Mistakes (lower is better)</source>
            <translation>Ошибки (ниже — лучше)</translation>
        </message>
        <message>
            <source>Photos named right</source>
            <translation>Верные ответы</translation>
        </message>
        <message>
            <source>round</source>
            <translation>круг</translation>
        </message>
        <message>
            <source>loss</source>
            <translation>потери</translation>
        </message>
        <message>
            <source>Blue: training photos (per batch, smoothed; dashed: per epoch). Red: validation photos, which the model does not learn from. Green: the epoch whose model is kept.</source>
            <translation>Синий: обучающие фото (по пакетам, сглажено; пунктир — по эпохам). Красный: проверочные фото, на которых модель не учится. Зелёный: эпоха, чья модель сохраняется.</translation>
        </message>
        <message>
            <source>The training curves appear here while a model trains.</source>
            <translation>Кривые обучения появятся здесь во время обучения модели.</translation>
        </message>
        <message>
            <source>photos it learns from</source>
            <extracomment>(curve attribute, glyph colour, glyph, words) of the legend, in its order.</extracomment>
            <translation>фото, на которых учится</translation>
        </message>
        <message>
            <source>the same, per round</source>
            <translation>то же по кругам</translation>
        </message>
        <message>
            <source>photos kept back to check</source>
            <translation>фото, отложенные для проверки</translation>
        </message>
        <message>
            <source>best round (kept)</source>
            <translation>лучший круг (сохранён)</translation>
        </message>
    </context>
    <context>
        <name>data_adding</name>
        <message>
            <source>Photos ({})</source>
            <translation>Фото ({})</translation>
        </message>
        <message>
            <source>Unlabelled</source>
            <translation>Без класса</translation>
        </message>
        <message>
            <source>Adding photos to {where}…</source>
            <translation>Добавление фото в {where}…</translation>
        </message>
        <message>
            <source>Adding photos to {where}: {done} of {total}</source>
            <translation>Добавление фото в {where}: {done} из {total}</translation>
        </message>
        <message numerus="yes">
            <source>Added %n photo(s) to {where}.</source>
            <translation>
                <numerusform>Добавлено %n фото в {where}.</numerusform>
                <numerusform>Добавлено %n фото в {where}.</numerusform>
                <numerusform>Добавлено %n фото в {where}.</numerusform>
            </translation>
        </message>
        <message>
            <source> {len_refused} could not be added (see the list below the photos).</source>
            <translation> Не удалось добавить: {len_refused} (список под фото).</translation>
        </message>
        <message>
            <source> Stopped before the end.</source>
            <translation> Остановлено до конца.</translation>
        </message>
        <message>
            <source>Could not add the photos: {exc}</source>
            <translation>Не удалось добавить фото: {exc}</translation>
        </message>
        <message>
            <source>Stopping…</source>
            <translation>Остановка…</translation>
        </message>
        <message>
            <source>The clipboard holds no photo. Copy a photo or photo files (in a browser: right-click the image, "Copy image"), then press Ctrl+V here.</source>
            <translation>В буфере обмена нет фото. Скопируйте фото или файлы фото (в браузере: правый щелчок по картинке, «Копировать изображение»), затем нажмите здесь Ctrl+V.</translation>
        </message>
        <message>
            <source>Add photos</source>
            <translation>Добавить фото</translation>
        </message>
        <message>
            <source>{photos};;All files (*)</source>
            <translation>{photos};;Все файлы (*)</translation>
        </message>
        <message>
            <source>Add a folder of photos</source>
            <translation>Добавить папку с фото</translation>
        </message>
    </context>
    <context>
        <name>data_assist</name>
        <message>
            <source>Could not save the match of {name!r}: {exc}</source>
            <translation>Не удалось сохранить соответствие {name!r}: {exc}</translation>
        </message>
        <message>
            <source>'{name}' now means: {meaning}.</source>
            <translation>«{name}» теперь означает: {meaning}.</translation>
        </message>
        <message>
            <source>No model is trained yet, so these come from the class names alone (what the pretrained network knows about them).</source>
            <translation>Модель ещё не обучена, поэтому варианты взяты только из имён классов (из того, что о них знает предобученная сеть).</translation>
        </message>
        <message>
            <source> {names} has no ImageNet match, so it gets the photos that look like none of the other classes.</source>
            <translation> У {names} нет соответствия в ImageNet, поэтому ему достаются фото, не похожие ни на один другой класс.</translation>
        </message>
        <message>
            <source> {names} have no ImageNet match, so they get the photos that look like none of the other classes.</source>
            <translation> У {names} нет соответствия в ImageNet, поэтому им достаются фото, не похожие ни на один другой класс.</translation>
        </message>
        <message>
            <source> Check before accepting.</source>
            <translation> Проверьте, прежде чем принять.</translation>
        </message>
        <message>
            <source>From your latest trained model ({name}). Check before accepting.</source>
            <translation>Из вашей последней обученной модели ({name}). Проверьте, прежде чем принять.</translation>
        </message>
        <message numerus="yes">
            <source>Label %n suggested photo(s)</source>
            <translation>
                <numerusform>Отнести %n предложенное фото</numerusform>
                <numerusform>Отнести %n предложенных фото</numerusform>
                <numerusform>Отнести %n предложенных фото</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Labelled %n photo(s) from the suggestions (Ctrl+Z to undo).</source>
            <translation>
                <numerusform>По предложениям размечено %n фото (Ctrl+Z — отменить).</numerusform>
                <numerusform>По предложениям размечено %n фото (Ctrl+Z — отменить).</numerusform>
                <numerusform>По предложениям размечено %n фото (Ctrl+Z — отменить).</numerusform>
            </translation>
        </message>
        <message>
            <source>Loading the pretrained network…</source>
            <translation>Загрузка предобученной сети…</translation>
        </message>
        <message>
            <source>{len_suggestions} suggested labels: check them and click Accept.</source>
            <translation>Предложено меток: {len_suggestions}. Проверьте их и нажмите «Принять».</translation>
        </message>
        <message>
            <source>Stopped. Click "Suggest labels" to start again.</source>
            <translation>Остановлено. Нажмите «Предложить метки», чтобы начать снова.</translation>
        </message>
        <message>
            <source>Could not suggest labels: {message}</source>
            <translation>Не удалось предложить метки: {message}</translation>
        </message>
        <message>
            <source>Unlabelled</source>
            <translation>Без класса</translation>
        </message>
    </context>
    <context>
        <name>data_editing</name>
        <message>
            <source>Unlabelled</source>
            <translation>Без класса</translation>
        </message>
        <message>
            <source>Those photos are in {where} already.</source>
            <translation>Эти фото уже в {where}.</translation>
        </message>
        <message numerus="yes">
            <source>Moved %n photo(s) to {where}.</source>
            <translation>
                <numerusform>Перемещено %n фото в {where}.</numerusform>
                <numerusform>Перемещено %n фото в {where}.</numerusform>
                <numerusform>Перемещено %n фото в {where}.</numerusform>
            </translation>
        </message>
        <message>
            <source>There is no class {number}; add one with "+ Add class" (Ctrl+Shift+N).</source>
            <translation>Класса {number} нет; добавьте его кнопкой «+ Добавить класс» (Ctrl+Shift+N).</translation>
        </message>
        <message>
            <source>Select photos first (click one, Shift/Ctrl+click for more, Ctrl+A for all), then press {number} to put them in {where}.</source>
            <translation>Сначала выделите фото (щелчок — одно, Shift/Ctrl+щелчок — ещё, Ctrl+A — все), затем нажмите {number}, чтобы переместить их в {where}.</translation>
        </message>
        <message>
            <source>Label as</source>
            <translation>Отнести к классу</translation>
        </message>
        <message>
            <source>No classes yet: add one with "+ Add class"</source>
            <translation>Классов ещё нет: добавьте кнопкой «+ Добавить класс»</translation>
        </message>
        <message>
            <source>Unlabelled	0</source>
            <translation>Без класса	0</translation>
        </message>
        <message>
            <source>Select photos first, then press Ctrl+L to choose their class.</source>
            <translation>Сначала выделите фото, затем нажмите Ctrl+L, чтобы выбрать их класс.</translation>
        </message>
        <message>
            <source>Select photos first, then press Delete to move them to the project trash.</source>
            <translation>Сначала выделите фото, затем нажмите Delete, чтобы переместить их в корзину проекта.</translation>
        </message>
        <message numerus="yes">
            <source>Moved %n photo(s) to the project trash (Ctrl+Z to undo).</source>
            <translation>
                <numerusform>Перемещено %n фото в корзину проекта (Ctrl+Z — отменить).</numerusform>
                <numerusform>Перемещено %n фото в корзину проекта (Ctrl+Z — отменить).</numerusform>
                <numerusform>Перемещено %n фото в корзину проекта (Ctrl+Z — отменить).</numerusform>
            </translation>
        </message>
        <message>
            <source>Added the class '{name}': drop photos on its card.</source>
            <translation>Класс «{name}» добавлен: перетащите фото на его карточку.</translation>
        </message>
        <message>
            <source>Rename class</source>
            <translation>Переименовать класс</translation>
        </message>
        <message>
            <source>New name for '{old}':</source>
            <translation>Новое имя для «{old}»:</translation>
        </message>
        <message numerus="yes">
            <source>Delete the class '{name}' and its %n photo(s)?</source>
            <translation>
                <numerusform>Удалить класс «{name}» и его %n фото?</numerusform>
                <numerusform>Удалить класс «{name}» и его %n фото?</numerusform>
                <numerusform>Удалить класс «{name}» и его %n фото?</numerusform>
            </translation>
        </message>
        <message>
            <source>Delete the class '{name}'?</source>
            <translation>Удалить класс «{name}»?</translation>
        </message>
        <message>
            <source>Delete class</source>
            <translation>Удалить класс</translation>
        </message>
        <message>
            <source>

The photos go to the project trash; Edit ▸ Undo brings them back.</source>
            <translation>

Фото попадут в корзину проекта; Правка ▸ Отменить вернёт их.</translation>
        </message>
        <message>
            <source>Choose a class card first (click it, or Tab to it), then press F2 to rename it.</source>
            <translation>Сначала выберите карточку класса (щелчком или клавишей Tab), затем нажмите F2, чтобы переименовать.</translation>
        </message>
        <message>
            <source>Add photos…</source>
            <translation>Добавить фото…</translation>
        </message>
        <message>
            <source>Rename…	F2</source>
            <translation>Переименовать…	F2</translation>
        </message>
        <message>
            <source>ImageNet match…</source>
            <translation>Соответствие в ImageNet…</translation>
        </message>
        <message>
            <source>What the pretrained network knows this class as</source>
            <translation>Чем этот класс является для предобученной сети</translation>
        </message>
        <message>
            <source>Delete class…	Del</source>
            <translation>Удалить класс…	Del</translation>
        </message>
        <message>
            <source>Label as	Ctrl+L</source>
            <translation>Отнести к классу	Ctrl+L</translation>
        </message>
        <message>
            <source>Find similar photos…</source>
            <translation>Найти похожие фото…</translation>
        </message>
        <message>
            <source>Delete	Del</source>
            <translation>Удалить	Del</translation>
        </message>
    </context>
    <context>
        <name>data_page</name>
        <message>
            <source>Keys: select photos, then 1–9 puts them in that class, 0 in Unlabelled, Ctrl+L any class; Del deletes; Ctrl+V pastes photos. Help ▸ Keyboard shortcuts lists them all.</source>
            <extracomment>The keyboard line under the photos.</extracomment>
            <translation>Клавиши: выделите фото, затем 1–9 — в этот класс, 0 — без класса, Ctrl+L — любой класс; Del — удалить; Ctrl+V — вставить фото. Все клавиши — в Справка ▸ Горячие клавиши.</translation>
        </message>
        <message>
            <source>Classes</source>
            <translation>Классы</translation>
        </message>
        <message>
            <source>Add photos…</source>
            <translation>Добавить фото…</translation>
        </message>
        <message>
            <source>Copy photos from your computer into the class shown (Ctrl+Shift+O)</source>
            <translation>Скопировать фото с компьютера в показанный класс (Ctrl+Shift+O)</translation>
        </message>
        <message>
            <source>Add folder…</source>
            <translation>Добавить папку…</translation>
        </message>
        <message>
            <source>Copy every photo of a folder into the class shown</source>
            <translation>Скопировать все фото из папки в показанный класс</translation>
        </message>
        <message>
            <source>Suggest labels</source>
            <translation>Предложить метки</translation>
        </message>
        <message>
            <source>Guess a class for every unlabelled photo (from your trained model, or from the class names when none is trained yet); you check and accept them</source>
            <translation>Угадать класс каждого фото без класса (по вашей обученной модели или по именам классов, если модели ещё нет); вы проверяете и принимаете</translation>
        </message>
        <message>
            <source>Check my photos</source>
            <translation>Проверить мои фото</translation>
        </message>
        <message>
            <source>Find duplicates, photos in the wrong class and other problems; fix them in one click</source>
            <translation>Найти дубликаты, фото не в том классе и другие проблемы; исправить одним щелчком</translation>
        </message>
        <message>
            <source>Add &amp;class…</source>
            <translation>Добавить &amp;класс…</translation>
        </message>
        <message>
            <source>Add &amp;photos…</source>
            <translation>Добавить &amp;фото…</translation>
        </message>
        <message>
            <source>Add &amp;folder…</source>
            <translation>Добавить &amp;папку…</translation>
        </message>
        <message>
            <source>&amp;Paste photos</source>
            <translation>&amp;Вставить фото</translation>
        </message>
        <message>
            <source>&amp;Label as…</source>
            <translation>&amp;Отнести к классу…</translation>
        </message>
        <message>
            <source>&amp;Rename class…</source>
            <translation>П&amp;ереименовать класс…</translation>
        </message>
        <message>
            <source>Show &amp;Unlabelled</source>
            <translation>Показать фото &amp;без класса</translation>
        </message>
        <message>
            <source>Show class {i}</source>
            <translation>Показать класс {i}</translation>
        </message>
        <message>
            <source>C&amp;heck my photos</source>
            <translation>П&amp;роверить мои фото</translation>
        </message>
        <message>
            <source>There is no class {number}.</source>
            <translation>Класса {number} нет.</translation>
        </message>
        <message>
            <source>No project open</source>
            <translation>Проект не открыт</translation>
        </message>
        <message>
            <source>Unlabelled</source>
            <translation>Без класса</translation>
        </message>
        <message numerus="yes">
            <source>%n photo(s)</source>
            <translation>
                <numerusform>%n фото</numerusform>
                <numerusform>%n фото</numerusform>
                <numerusform>%n фото</numerusform>
            </translation>
        </message>
        <message>
            <source>{what} failed: {exc}</source>
            <translation>{what}: ошибка: {exc}</translation>
        </message>
        <message>
            <source>Wait until the photos being added are in, then try again.</source>
            <translation>Дождитесь, пока добавляемые фото будут на месте, и попробуйте снова.</translation>
        </message>
    </context>
    <context>
        <name>data_panels</name>
        <message>
            <source>Dismiss</source>
            <extracomment>Below this many photos a class, more photos of it is what helps most (the one rule: core.hints).</extracomment>
            <translation>Закрыть</translation>
        </message>
        <message>
            <source>File</source>
            <translation>Файл</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>Причина</translation>
        </message>
        <message>
            <source>already in the project as {name}</source>
            <translation>уже есть в проекте как {name}</translation>
        </message>
        <message numerus="yes">
            <source>Added %n photo(s) to {target}.</source>
            <translation>
                <numerusform>Добавлено %n фото в {target}.</numerusform>
                <numerusform>Добавлено %n фото в {target}.</numerusform>
                <numerusform>Добавлено %n фото в {target}.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n file(s) could not be added</source>
            <translation>
                <numerusform>Не удалось добавить %n файл</numerusform>
                <numerusform>Не удалось добавить %n файла</numerusform>
                <numerusform>Не удалось добавить %n файлов</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n duplicate(s) skipped (already in the project)</source>
            <translation>
                <numerusform>Пропущен %n дубликат (уже в проекте)</numerusform>
                <numerusform>Пропущено %n дубликата (уже в проекте)</numerusform>
                <numerusform>Пропущено %n дубликатов (уже в проекте)</numerusform>
            </translation>
        </message>
        <message>
            <source>Photos like {name}</source>
            <translation>Фото, похожие на {name}</translation>
        </message>
        <message>
            <source>Looking for photos like {name}…</source>
            <translation>Поиск фото, похожих на {name}…</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Закрыть</translation>
        </message>
        <message>
            <source>Drag photos onto a class to relabel them.</source>
            <translation>Перетащите фото на класс, чтобы изменить их метку.</translation>
        </message>
        <message>
            <source>No similar photos found.</source>
            <translation>Похожих фото не найдено.</translation>
        </message>
        <message>
            <source>{len_results} most similar photos, most similar first:</source>
            <translation>Самые похожие фото ({len_results}), сначала самые похожие:</translation>
        </message>
        <message>
            <source>Could not search: {text}</source>
            <translation>Не удалось выполнить поиск: {text}</translation>
        </message>
    </context>
    <context>
        <name>doctor_panel</name>
        <message>
            <source>Files that cannot be read</source>
            <extracomment>Each kind of finding, in the order shown, as its heading.</extracomment>
            <translation>Нечитаемые файлы</translation>
        </message>
        <message>
            <source>Same photo in training and validation</source>
            <translation>Одно фото и в обучении, и в проверке</translation>
        </message>
        <message>
            <source>Exact duplicates</source>
            <translation>Точные дубликаты</translation>
        </message>
        <message>
            <source>Near duplicates</source>
            <translation>Почти дубликаты</translation>
        </message>
        <message>
            <source>Likely in the wrong class</source>
            <translation>Вероятно, не в том классе</translation>
        </message>
        <message>
            <source>Classes with too few photos</source>
            <translation>Классы со слишком малым числом фото</translation>
        </message>
        <message>
            <source>Unbalanced classes</source>
            <translation>Несбалансированные классы</translation>
        </message>
        <message>
            <source>No automatic fix</source>
            <translation>Нет автоматического исправления</translation>
        </message>
        <message numerus="yes">
            <source>Fix: delete %n photo(s)</source>
            <translation>
                <numerusform>Исправить: удалить %n фото</numerusform>
                <numerusform>Исправить: удалить %n фото</numerusform>
                <numerusform>Исправить: удалить %n фото</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Fix: move %n photo(s) to Unlabelled</source>
            <translation>
                <numerusform>Исправить: %n фото — в «Без класса»</numerusform>
                <numerusform>Исправить: %n фото — в «Без класса»</numerusform>
                <numerusform>Исправить: %n фото — в «Без класса»</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Fix: move %n photo(s) to '{to}'</source>
            <translation>
                <numerusform>Исправить: %n фото — в «{to}»</numerusform>
                <numerusform>Исправить: %n фото — в «{to}»</numerusform>
                <numerusform>Исправить: %n фото — в «{to}»</numerusform>
            </translation>
        </message>
        <message>
            <source>&lt;b&gt;Check my photos&lt;/b&gt;</source>
            <translation>&lt;b&gt;Проверить мои фото&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Check my photos</source>
            <translation>Проверить мои фото</translation>
        </message>
        <message>
            <source>Finds duplicates, the same photo in training and validation, photos that look like another class, classes too small or unbalanced, and files that cannot be read.</source>
            <translation>Находит дубликаты, одно и то же фото в обучении и проверке, фото, похожие на другой класс, слишком маленькие или несбалансированные классы и нечитаемые файлы.</translation>
        </message>
        <message>
            <source>Fix</source>
            <translation>Исправить</translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>Отменить</translation>
        </message>
        <message>
            <source>Cannot check the photos: {exc}</source>
            <translation>Не удалось проверить фото: {exc}</translation>
        </message>
        <message>
            <source>No labelled photos to check yet: put photos into classes first.</source>
            <translation>Ещё нет фото с классами: сначала разложите фото по классам.</translation>
        </message>
        <message>
            <source>Checking {n_photos} photos…</source>
            <translation>Проверка фото ({n_photos})…</translation>
        </message>
        <message>
            <source>Stopping…</source>
            <translation>Остановка…</translation>
        </message>
        <message>
            <source>Stopped. Click "Check my photos" to start again.</source>
            <translation>Остановлено. Нажмите «Проверить мои фото», чтобы начать снова.</translation>
        </message>
        <message>
            <source>The check failed: {message}</source>
            <translation>Проверка не удалась: {message}</translation>
        </message>
        <message>
            <source>Check again</source>
            <translation>Проверить снова</translation>
        </message>
        <message numerus="yes">
            <source>Checked {n} photos in {secs:.1f} s: %n thing(s) to look at.</source>
            <translation>
                <numerusform>Проверено фото: {n} за {secs:.1f} с; стоит посмотреть: %n</numerusform>
                <numerusform>Проверено фото: {n} за {secs:.1f} с; стоит посмотреть: %n</numerusform>
                <numerusform>Проверено фото: {n} за {secs:.1f} с; стоит посмотреть: %n</numerusform>
            </translation>
        </message>
        <message>
            <source>Checked {n} photos in {secs:.1f} s: nothing wrong found.</source>
            <translation>Проверено фото: {n} за {secs:.1f} с; проблем не найдено.</translation>
        </message>
        <message>
            <source>Select a finding to see its photos.</source>
            <translation>Выберите находку, чтобы увидеть её фото.</translation>
        </message>
        <message>
            <source>&lt;br&gt;&lt;span style="color:#666"&gt;Classes: {classes}&lt;/span&gt;</source>
            <translation>&lt;br&gt;&lt;span style="color:#666"&gt;Классы: {classes}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>{name} (moved)</source>
            <translation>{name} (перемещено)</translation>
        </message>
        <message>
            <source>Fixed (Undo to take it back)</source>
            <translation>Исправлено («Отменить» вернёт как было)</translation>
        </message>
    </context>
    <context>
        <name>export_dialog</name>
        <message>
            <source>&lt;br&gt;Checked on {n} test photos: the same answer as petcognizer on all (confidences differ by at most {diff:.1g}).</source>
            <translation>&lt;br&gt;Проверено на тестовых фото ({n}): тот же ответ, что и в petcognizer, на всех (уверенность отличается не более чем на {diff:.1g}).</translation>
        </message>
        <message>
            <source>&lt;br&gt;Checked on {n} test photos: the same answer as petcognizer for {same} (confidences differ by at most {diff:.1g}).</source>
            <translation>&lt;br&gt;Проверено на тестовых фото ({n}): тот же ответ, что и в petcognizer, для {same} (уверенность отличается не более чем на {diff:.1g}).</translation>
        </message>
        <message>
            <source>needs onnx and onnxruntime: pip install -e '.[export]'</source>
            <translation>нужны onnx и onnxruntime: pip install -e '.[export]'</translation>
        </message>
        <message>
            <source>Export model</source>
            <translation>Экспорт модели</translation>
        </message>
        <message>
            <source>{networks} networks voting</source>
            <translation>голосование сетей ({networks})</translation>
        </message>
        <message>
            <source>the model</source>
            <translation>модель</translation>
        </message>
        <message>
            <source>trained {when}, </source>
            <translation>обучена {when}, </translation>
        </message>
        <message>
            <source>&lt;b&gt;Use this model outside petcognizer&lt;/b&gt;: in your own program, app or web page.&lt;br&gt;&lt;span style="color:#5f6670"&gt;{when}{what}&lt;/span&gt;</source>
            <translation>&lt;b&gt;Используйте эту модель вне petcognizer&lt;/b&gt;: в своей программе, приложении или на веб-странице.&lt;br&gt;&lt;span style="color:#5f6670"&gt;{when}{what}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>Run {run}: {backbone}
{model_path}</source>
            <translation>Запуск {run}: {backbone}
{model_path}</translation>
        </message>
        <message>
            <source>Format</source>
            <translation>Формат</translation>
        </message>
        <message>
            <source>Save as:</source>
            <translation>Сохранить как:</translation>
        </message>
        <message>
            <source>Choose where to save the file</source>
            <translation>Выберите, куда сохранить файл</translation>
        </message>
        <message>
            <source>Choose…</source>
            <translation>Выбрать…</translation>
        </message>
        <message>
            <source>How to use it</source>
            <translation>Как использовать</translation>
        </message>
        <message>
            <source>Copy</source>
            <translation>Копировать</translation>
        </message>
        <message>
            <source>Show in folder</source>
            <translation>Показать в папке</translation>
        </message>
        <message>
            <source>Export</source>
            <translation>Экспорт</translation>
        </message>
        <message>
            <source>Export model as</source>
            <translation>Экспортировать модель как</translation>
        </message>
        <message>
            <source>Writing the {title} file, then checking that it gives the same answers as here</source>
            <translation>Запись файла {title} и проверка, что он даёт те же ответы, что и здесь</translation>
        </message>
        <message>
            <source> ({done} of {total})</source>
            <translation> ({done} из {total})</translation>
        </message>
        <message>
            <source>Cancelling: the export stops at its next step</source>
            <translation>Отмена: экспорт остановится на следующем шаге</translation>
        </message>
        <message>
            <source>{what}… {took} s so far.</source>
            <translation>{what}… прошло {took} с.</translation>
        </message>
        <message>
            <source> and {name} (classes and preprocessing)</source>
            <translation> и {name} (классы и предобработка)</translation>
        </message>
        <message>
            <source>, with a ready-to-run folder {name}</source>
            <translation>, с готовой к запуску папкой {name}</translation>
        </message>
        <message>
            <source>The export had finished before it could stop. </source>
            <translation>Экспорт закончился раньше, чем его удалось остановить. </translation>
        </message>
        <message>
            <source>{late}Saved &lt;b&gt;{dest}&lt;/b&gt;{extra}.{check}</source>
            <translation>{late}Сохранено: &lt;b&gt;{dest}&lt;/b&gt;{extra}.{check}</translation>
        </message>
        <message>
            <source>Export cancelled; nothing was saved.</source>
            <translation>Экспорт отменён; ничего не сохранено.</translation>
        </message>
        <message>
            <source>&lt;b&gt;Export failed.&lt;/b&gt; {exc}</source>
            <translation>&lt;b&gt;Экспорт не удался.&lt;/b&gt; {exc}</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Отмена</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>Закрыть</translation>
        </message>
        <message>
            <source>Stop the export</source>
            <translation>Остановить экспорт</translation>
        </message>
    </context>
    <context>
        <name>formatting</name>
        <message>
            <source>{millions:.2f} M</source>
            <translation>{millions:.2f} млн</translation>
        </message>
        <message>
            <source>{thousands:.1f} k</source>
            <translation>{thousands:.1f} тыс.</translation>
        </message>
        <message>
            <source>Overfitting: validation loss has risen for {patience} epochs in a row while training loss keeps falling, so the model is memorising the training photos. Try fewer epochs, more photos per class, or turn on augmentation. (The best epoch so far is kept.)</source>
            <translation>Переобучение: потери на проверке растут {patience} эпох подряд, а на обучении падают — модель запоминает обучающие фото. Попробуйте меньше эпох, больше фото на класс или включите аугментацию. (Лучшая эпоха сохраняется.)</translation>
        </message>
        <message>
            <source>ensemble: </source>
            <translation>ансамбль: </translation>
        </message>
        <message>
            <source>dd MMM HH:mm</source>
            <translation>d MMM HH:mm</translation>
        </message>
        <message>
            <source>no validation</source>
            <translation>без проверки</translation>
        </message>
    </context>
    <context>
        <name>main_window</name>
        <message>
            <source>Data</source>
            <extracomment>False: errors go to the status bar and the log only (screenshots, scripts).</extracomment>
            <translation>Данные</translation>
        </message>
        <message>
            <source>Train</source>
            <translation>Обучение</translation>
        </message>
        <message>
            <source>Predict</source>
            <translation>Распознавание</translation>
        </message>
        <message>
            <source>Ready</source>
            <translation>Готово</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>&amp;Файл</translation>
        </message>
        <message>
            <source>&amp;New project…</source>
            <translation>&amp;Новый проект…</translation>
        </message>
        <message>
            <source>&amp;Open project…</source>
            <translation>&amp;Открыть проект…</translation>
        </message>
        <message>
            <source>&amp;Import a folder of class folders…</source>
            <translation>&amp;Импорт папки с папками классов…</translation>
        </message>
        <message>
            <source>Open &amp;recent</source>
            <translation>Последние &amp;проекты</translation>
        </message>
        <message>
            <source>&amp;Close project</source>
            <translation>&amp;Закрыть проект</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>В&amp;ыход</translation>
        </message>
        <message>
            <source>&amp;Edit</source>
            <translation>&amp;Правка</translation>
        </message>
        <message>
            <source>&amp;Undo</source>
            <translation>&amp;Отменить</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>&amp;Повторить</translation>
        </message>
        <message>
            <source>&amp;Delete</source>
            <translation>&amp;Удалить</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>&amp;Справка</translation>
        </message>
        <message>
            <source>&amp;Keyboard shortcuts</source>
            <translation>&amp;Горячие клавиши</translation>
        </message>
        <message>
            <source>&amp;About petcognizer</source>
            <translation>&amp;О программе petcognizer</translation>
        </message>
        <message>
            <source>&amp;Photos</source>
            <translation>Ф&amp;ото</translation>
        </message>
        <message>
            <source>&amp;Go</source>
            <translation>П&amp;ереход</translation>
        </message>
        <message>
            <source>&amp;Data page</source>
            <translation>Страница «&amp;Данные»</translation>
        </message>
        <message>
            <source>&amp;Train page</source>
            <translation>Страница «&amp;Обучение»</translation>
        </message>
        <message>
            <source>&amp;Predict page</source>
            <translation>Страница «&amp;Распознавание»</translation>
        </message>
        <message>
            <source>Start &amp;training</source>
            <translation>Начать &amp;обучение</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>&amp;Вид</translation>
        </message>
        <message>
            <source>&amp;Language (applies after a restart)</source>
            <translation>&amp;Язык (после перезапуска)</translation>
        </message>
        <message>
            <source>System language ({name})</source>
            <translation>Язык системы ({name})</translation>
        </message>
        <message>
            <source>The window will be in {name} the next time petcognizer starts.</source>
            <translation>При следующем запуске petcognizer окно будет на языке: {name}.</translation>
        </message>
        <message>
            <source>Open or create a project first (Ctrl+N, Ctrl+O).</source>
            <translation>Сначала откройте или создайте проект (Ctrl+N, Ctrl+O).</translation>
        </message>
        <message>
            <source>Training cannot start yet: the Train page says what is missing.</source>
            <translation>Обучение пока нельзя начать: на странице «Обучение» сказано, чего не хватает.</translation>
        </message>
        <message>
            <source>&amp;Undo {undoText}</source>
            <translation>&amp;Отменить: {undoText}</translation>
        </message>
        <message>
            <source>&amp;Redo {redoText}</source>
            <translation>&amp;Повторить: {redoText}</translation>
        </message>
        <message>
            <source>Wait until the photos being added are in, then undo.</source>
            <translation>Дождитесь, пока добавляемые фото будут на месте, затем отменяйте.</translation>
        </message>
        <message>
            <source>Undone: {text}</source>
            <translation>Отменено: {text}</translation>
        </message>
        <message>
            <source>Wait until the photos being added are in, then redo.</source>
            <translation>Дождитесь, пока добавляемые фото будут на месте, затем повторяйте.</translation>
        </message>
        <message>
            <source>Redone: {text}</source>
            <translation>Повторено: {text}</translation>
        </message>
        <message>
            <source>Opened {root}</source>
            <translation>Открыт {root}</translation>
        </message>
        <message>
            <source>Cannot open the project</source>
            <translation>Не удалось открыть проект</translation>
        </message>
        <message>
            <source>Cannot create the project</source>
            <translation>Не удалось создать проект</translation>
        </message>
        <message>
            <source>Training is running</source>
            <translation>Идёт обучение</translation>
        </message>
        <message>
            <source>Training is running. Stop it and close?</source>
            <translation>Идёт обучение. Остановить его и закрыть?</translation>
        </message>
        <message>
            <source>Could not save settings: {exc}</source>
            <translation>Не удалось сохранить настройки: {exc}</translation>
        </message>
        <message>
            <source>{name} — petcognizer</source>
            <translation>{name} — petcognizer</translation>
        </message>
        <message>
            <source>Could not re-read the runs: {exc}</source>
            <translation>Не удалось перечитать запуски: {exc}</translation>
        </message>
        <message>
            <source>No recent projects</source>
            <translation>Нет последних проектов</translation>
        </message>
        <message>
            <source>There is no class '{class_name}' any more.</source>
            <translation>Класса «{class_name}» больше нет.</translation>
        </message>
        <message>
            <source>Training finished: validation accuracy {best_val_acc:.0%}.</source>
            <translation>Обучение завершено: точность на проверке {best_val_acc:.0%}.</translation>
        </message>
        <message>
            <source>Training finished.</source>
            <translation>Обучение завершено.</translation>
        </message>
        <message>
            <source>About petcognizer</source>
            <translation>О программе petcognizer</translation>
        </message>
        <message>
            <source>&lt;h3&gt;petcognizer {version}&lt;/h3&gt;&lt;p&gt;Train image classifiers from folders of photos by transfer learning, offline, on your own computer.&lt;/p&gt;&lt;p&gt;Apache-2.0&lt;/p&gt;</source>
            <translation>&lt;h3&gt;petcognizer {version}&lt;/h3&gt;&lt;p&gt;Обучайте классификаторы изображений на папках с фото методом переноса обучения — без интернета, на своём компьютере.&lt;/p&gt;&lt;p&gt;Apache-2.0&lt;/p&gt;</translation>
        </message>
    </context>
    <context>
        <name>mimedrop</name>
        <message>
            <source>A pasted picture of {mb} MB is too large to add; save it as a file and add the file.</source>
            <extracomment>Raw images above this size are refused (a photo is a few MB; this is a runaway paste). Mime formats carrying an encoded picture, best first (kept as they are: no re-encoding).</extracomment>
            <translation>Вставленная картинка размером {mb} МБ слишком велика; сохраните её в файл и добавьте файл.</translation>
        </message>
        <message>
            <source>Could not save the pasted photo as {path}: {exc}</source>
            <translation>Не удалось сохранить вставленное фото как {path}: {exc}</translation>
        </message>
        <message>
            <source> (and {n} more)</source>
            <translation> (и ещё {n})</translation>
        </message>
        <message>
            <source>The browser gave only a web address ({first}){more}, not the photo. petcognizer works offline and does not download. Save the photo to your computer (right-click it, "Save image as…") and drop the saved file, or copy the image (right-click, "Copy image") and paste it here with Ctrl+V.</source>
            <translation>Браузер передал только веб-адрес ({first}){more}, а не само фото. petcognizer работает без интернета и ничего не скачивает. Сохраните фото на компьютер (правый щелчок, «Сохранить изображение как…») и перетащите сохранённый файл или скопируйте изображение (правый щелчок, «Копировать изображение») и вставьте сюда через Ctrl+V.</translation>
        </message>
    </context>
    <context>
        <name>mistakes</name>
        <message>
            <source>Show where the model looked</source>
            <extracomment>Longest side of the large photo, in pixels.</extracomment>
            <translation>Показать, куда смотрела модель</translation>
        </message>
        <message>
            <source>A heat map (Grad-CAM): red where the photo mattered most for the answer.</source>
            <translation>Тепловая карта (Grad-CAM): красным — то, что больше всего повлияло на ответ.</translation>
        </message>
        <message>
            <source>Move to class…</source>
            <translation>В класс…</translation>
        </message>
        <message>
            <source>To Unlabelled</source>
            <translation>В «Без класса»</translation>
        </message>
        <message>
            <source>Not sure what it is: take it out of training (Ctrl+Z to undo).</source>
            <translation>Непонятно, что это: убрать из обучения (Ctrl+Z — отменить).</translation>
        </message>
        <message>
            <source>Move the photo to the project trash (Ctrl+Z to undo).</source>
            <translation>Переместить фото в корзину проекта (Ctrl+Z — отменить).</translation>
        </message>
        <message>
            <source>Undo</source>
            <translation>Отменить</translation>
        </message>
        <message>
            <source>Take back the last change to the photos (as Edit ▸ Undo).</source>
            <translation>Отменить последнее изменение фото (как Правка ▸ Отменить).</translation>
        </message>
        <message>
            <source>Mistakes</source>
            <translation>Ошибки</translation>
        </message>
        <message>
            <source>Photos of '{true}' the model recognised</source>
            <translation>Фото «{true}», которые модель узнала</translation>
        </message>
        <message>
            <source>Photos of '{true}' the model called '{predicted}'</source>
            <translation>Фото «{true}», которые модель назвала «{predicted}»</translation>
        </message>
        <message>
            <source>Each photo was judged by a model that had not seen it. Fix a wrong label in one click (or press 1–9 for a class, 0 for Unlabelled, Delete); Undo takes it back.</source>
            <translation>Каждое фото оценивала модель, которая его не видела. Исправьте неверную метку одним щелчком (или нажмите 1–9 для класса, 0 — без класса, Delete); «Отменить» вернёт как было.</translation>
        </message>
        <message>
            <source> {fixed} fixed or moved since the run.</source>
            <translation> С момента запуска исправлено или перемещено: {fixed}.</translation>
        </message>
        <message>
            <source>Nothing left to fix here.</source>
            <translation>Здесь больше нечего исправлять.</translation>
        </message>
        <message>
            <source>No photos.</source>
            <translation>Нет фото.</translation>
        </message>
        <message>
            <source>Move to the class it said</source>
            <translation>Перенести в класс из ответа</translation>
        </message>
        <message>
            <source>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Labelled &lt;b&gt;{true}&lt;/b&gt;; the model agreed ({conf:.0f}% sure).</source>
            <translation>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Метка &lt;b&gt;{true}&lt;/b&gt;; модель согласна (уверенность {conf:.0f}%).</translation>
        </message>
        <message>
            <source>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Labelled &lt;b&gt;{true}&lt;/b&gt;; the model said &lt;b&gt;{said}&lt;/b&gt; ({conf:.0f}% sure).</source>
            <translation>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Метка &lt;b&gt;{true}&lt;/b&gt;; модель ответила &lt;b&gt;{said}&lt;/b&gt; (уверенность {conf:.0f}%).</translation>
        </message>
        <message>
            <source>It is a '{said}': move it there</source>
            <translation>Это «{said}»: перенести туда</translation>
        </message>
        <message>
            <source>No heat map: the model file of this run is gone.</source>
            <translation>Нет тепловой карты: файла модели этого запуска больше нет.</translation>
        </message>
        <message>
            <source>Finding where the model looked…</source>
            <translation>Ищем, куда смотрела модель…</translation>
        </message>
        <message>
            <source>This photo cannot be read.</source>
            <translation>Это фото не читается.</translation>
        </message>
        <message>
            <source>Red: where it looked to say '{name}'.</source>
            <translation>Красным — куда модель смотрела, отвечая «{name}».</translation>
        </message>
        <message>
            <source>No heat map: {message}</source>
            <translation>Нет тепловой карты: {message}</translation>
        </message>
    </context>
    <context>
        <name>new_project</name>
        <message>
            <source>My pets</source>
            <translation>Мои питомцы</translation>
        </message>
        <message>
            <source>New project</source>
            <translation>Новый проект</translation>
        </message>
        <message>
            <source>Name your project</source>
            <translation>Назовите проект</translation>
        </message>
        <message>
            <source>For example: My pets</source>
            <translation>Например: Мои питомцы</translation>
        </message>
        <message>
            <source>The project is a folder of this name; your photos are copied into it</source>
            <translation>Проект — это папка с таким именем; ваши фото копируются в неё</translation>
        </message>
        <message>
            <source>Change…</source>
            <translation>Изменить…</translation>
        </message>
        <message>
            <source>Choose another folder to keep your projects in (remembered)</source>
            <translation>Выбрать другую папку для проектов (запоминается)</translation>
        </message>
        <message>
            <source>Create</source>
            <translation>Создать</translation>
        </message>
        <message>
            <source>In {folder}</source>
            <translation>В {folder}</translation>
        </message>
        <message>
            <source>Type a name (letters or numbers).</source>
            <translation>Введите имя (буквы или цифры).</translation>
        </message>
        <message>
            <source>Will be made at
{path}</source>
            <translation>Будет создан в
{path}</translation>
        </message>
        <message>
            <source>Will be made at {path}</source>
            <translation>Будет создан в {path}</translation>
        </message>
        <message>
            <source>A folder '{typed}' exists there already; it is left alone and the new project is '{name}'.</source>
            <translation>Папка «{typed}» там уже есть; её не трогаем, а новый проект будет «{name}».</translation>
        </message>
        <message>
            <source>Where to keep your projects</source>
            <translation>Где хранить проекты</translation>
        </message>
    </context>
    <context>
        <name>photo_fixes</name>
        <message>
            <source>{what} failed: {exc}</source>
            <translation>{what}: ошибка: {exc}</translation>
        </message>
        <message>
            <source>Could not move the photos: {exc}</source>
            <translation>Не удалось переместить фото: {exc}</translation>
        </message>
        <message>
            <source>Unlabelled</source>
            <translation>Без класса</translation>
        </message>
        <message numerus="yes">
            <source>Moved %n photo(s) to {where} (Ctrl+Z to undo).</source>
            <translation>
                <numerusform>Перемещено %n фото в {where} (Ctrl+Z — отменить).</numerusform>
                <numerusform>Перемещено %n фото в {where} (Ctrl+Z — отменить).</numerusform>
                <numerusform>Перемещено %n фото в {where} (Ctrl+Z — отменить).</numerusform>
            </translation>
        </message>
        <message>
            <source>Could not delete the photos: {exc}</source>
            <translation>Не удалось удалить фото: {exc}</translation>
        </message>
        <message numerus="yes">
            <source>Moved %n photo(s) to the project trash (Ctrl+Z to undo).</source>
            <translation>
                <numerusform>Перемещено %n фото в корзину проекта (Ctrl+Z — отменить).</numerusform>
                <numerusform>Перемещено %n фото в корзину проекта (Ctrl+Z — отменить).</numerusform>
                <numerusform>Перемещено %n фото в корзину проекта (Ctrl+Z — отменить).</numerusform>
            </translation>
        </message>
        <message>
            <source>This fix cannot be applied here (unknown action {action!r}).</source>
            <translation>Это исправление здесь применить нельзя (неизвестное действие {action!r}).</translation>
        </message>
    </context>
    <context>
        <name>photo_grid</name>
        <message>
            <source>Drop photos here</source>
            <extracomment>Captions longer than this many lines are shortened in the middle (the full name is the tooltip).</extracomment>
            <translation>Перетащите фото сюда</translation>
        </message>
        <message>
            <source>Add photos…</source>
            <translation>Добавить фото…</translation>
        </message>
        <message>
            <source>Add folder…</source>
            <translation>Добавить папку…</translation>
        </message>
        <message>
            <source>No project open</source>
            <translation>Проект не открыт</translation>
        </message>
        <message>
            <source>Choose File ▸ New project… (Ctrl+N) or File ▸ Open project… (Ctrl+O) to start.</source>
            <translation>Чтобы начать, выберите Файл ▸ Новый проект… (Ctrl+N) или Файл ▸ Открыть проект… (Ctrl+O).</translation>
        </message>
        <message>
            <source>No unlabelled photos</source>
            <translation>Нет фото без класса</translation>
        </message>
        <message>
            <source>Drop photos or folders here (from your file manager or a web browser), paste them with Ctrl+V, or click Add photos…
Then drag them onto a class card, or select them and press 1–9.</source>
            <translation>Перетащите сюда фото или папки (из файлового менеджера или браузера), вставьте их через Ctrl+V или нажмите «Добавить фото…»
Затем перетащите их на карточку класса или выделите и нажмите 1–9.</translation>
        </message>
        <message>
            <source>No photos of '{name}' yet</source>
            <translation>Фото «{name}» пока нет</translation>
        </message>
        <message>
            <source>Drop photos of '{name}' here or on its card, paste them with Ctrl+V, or click Add photos…
One photo is enough to start; three or more give an honest accuracy estimate; more, in different places and light, help most.</source>
            <translation>Перетащите фото «{name}» сюда или на его карточку, вставьте через Ctrl+V или нажмите «Добавить фото…»
Для начала хватит одного фото; с трёх и больше точность оценивается честно; больше фото — в разных местах и при разном свете — помогают сильнее всего.</translation>
        </message>
    </context>
    <context>
        <name>plots</name>
        <message>
            <source>The training curves appear here while a model trains.</source>
            <translation>Кривые обучения появятся здесь во время обучения модели.</translation>
        </message>
    </context>
    <context>
        <name>predict_input</name>
        <message>
            <source>Photos to classify</source>
            <translation>Фото для распознавания</translation>
        </message>
        <message>
            <source>Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff *.heic);;All files (*)</source>
            <translation>Изображения (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff *.heic);;Все файлы (*)</translation>
        </message>
        <message>
            <source>Folder of photos to classify</source>
            <translation>Папка с фото для распознавания</translation>
        </message>
        <message>
            <source>The clipboard holds no photo. Copy a photo or an image file, then press Ctrl+V here.</source>
            <translation>В буфере обмена нет фото. Скопируйте фото или файл изображения, затем нажмите здесь Ctrl+V.</translation>
        </message>
    </context>
    <context>
        <name>predict_page</name>
        <message>
            <source>Model:</source>
            <translation>Модель:</translation>
        </message>
        <message>
            <source>Open model file…</source>
            <translation>Открыть файл модели…</translation>
        </message>
        <message>
            <source>Add photos…</source>
            <translation>Добавить фото…</translation>
        </message>
        <message>
            <source>Add folder…</source>
            <translation>Добавить папку…</translation>
        </message>
        <message>
            <source>Paste</source>
            <translation>Вставить</translation>
        </message>
        <message>
            <source>Classify the photo or picture on the clipboard (Ctrl+V).</source>
            <translation>Распознать фото или картинку из буфера обмена (Ctrl+V).</translation>
        </message>
        <message>
            <source>Show top</source>
            <translation>Показать</translation>
        </message>
        <message>
            <source> labels</source>
            <translation> лучших</translation>
        </message>
        <message>
            <source>Spot photos that fit no class</source>
            <translation>Отмечать чужие фото</translation>
        </message>
        <message>
            <source>Flag a photo that looks like none of the photos the model learnt from ("Not one of: …"). Applies to the photos classified next.</source>
            <translation>Помечать фото, не похожее ни на одно из фото, на которых училась модель («Ни один из: …»). Действует для следующих распознаваемых фото.</translation>
        </message>
        <message>
            <source>Clear</source>
            <translation>Очистить</translation>
        </message>
        <message>
            <source>Save CSV…</source>
            <translation>Сохранить CSV…</translation>
        </message>
        <message>
            <source>Save path, label, probability for every photo and top label.</source>
            <translation>Сохранить путь, метку и вероятность для каждого фото и лучшей метки.</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Стоп</translation>
        </message>
        <message>
            <source>No photos here.</source>
            <translation>Здесь нет фото.</translation>
        </message>
        <message>
            <source>Paste photos</source>
            <extracomment>the cards, as many a line as the width allows</extracomment>
            <translation>Вставить фото</translation>
        </message>
        <message>
            <source>{acc} val. accuracy</source>
            <translation>точность на проверке {acc}</translation>
        </message>
        <message>
            <source>, stopped early</source>
            <translation>, остановлено досрочно</translation>
        </message>
        <message>
            <source>Run {when} · {name} · {acc_text}{stopped}</source>
            <translation>Запуск {when} · {name} · {acc_text}{stopped}</translation>
        </message>
        <message>
            <source>File: {name}</source>
            <translation>Файл: {name}</translation>
        </message>
        <message>
            <source>No model yet: train one on the Train page, or open a model file (.safetensors).</source>
            <translation>Модели пока нет: обучите её на странице «Обучение» или откройте файл модели (.safetensors).</translation>
        </message>
        <message numerus="yes">
            <source>{backbone} · %n class(es): {shown}</source>
            <translation>
                <numerusform>{backbone} · %n класс: {shown}</numerusform>
                <numerusform>{backbone} · %n класса: {shown}</numerusform>
                <numerusform>{backbone} · %n классов: {shown}</numerusform>
            </translation>
        </message>
        <message>
            <source>Open a petcognizer model</source>
            <translation>Открыть модель petcognizer</translation>
        </message>
        <message>
            <source>petcognizer models (*.safetensors)</source>
            <translation>Модели petcognizer (*.safetensors)</translation>
        </message>
        <message>
            <source>Choose a model first: train one on the Train page, or click “Open model file…”.</source>
            <translation>Сначала выберите модель: обучите её на странице «Обучение» или нажмите «Открыть файл модели…».</translation>
        </message>
        <message>
            <source>Classifying…</source>
            <translation>Распознавание…</translation>
        </message>
        <message>
            <source> · {images_per_s:.0f} photos/s</source>
            <translation> · {images_per_s:.0f} фото/с</translation>
        </message>
        <message>
            <source>Stopped.</source>
            <translation>Остановлено.</translation>
        </message>
        <message>
            <source>&lt;b&gt;Could not classify.&lt;/b&gt; {message}</source>
            <translation>&lt;b&gt;Не удалось распознать.&lt;/b&gt; {message}</translation>
        </message>
        <message>
            <source>Making thumbnails…</source>
            <translation>Создание миниатюр…</translation>
        </message>
        <message>
            <source>No model: no heat map.</source>
            <translation>Нет модели — нет тепловой карты.</translation>
        </message>
        <message>
            <source>No heat map: {message}</source>
            <translation>Нет тепловой карты: {message}</translation>
        </message>
        <message>
            <source>Save predictions</source>
            <translation>Сохранить результаты</translation>
        </message>
        <message>
            <source>CSV files (*.csv)</source>
            <translation>Файлы CSV (*.csv)</translation>
        </message>
        <message>
            <source>Could not save {path}: {reason}</source>
            <translation>Не удалось сохранить {path}: {reason}</translation>
        </message>
        <message>
            <source>Saved {n} predictions to {path}</source>
            <translation>Результаты ({n}) сохранены в {path}</translation>
        </message>
        <message>
            <source>No model to predict with yet.

Train one on the Train page, or click “Open model file…” to use a .safetensors model.</source>
            <translation>Модели для распознавания пока нет.

Обучите её на странице «Обучение» или нажмите «Открыть файл модели…», чтобы взять модель .safetensors.</translation>
        </message>
        <message>
            <source>Drop photos or folders here

or click “Add photos…” / “Add folder…”, or paste a photo (Ctrl+V).
Each photo gets its most likely classes; a wrong one can be put in the right class with one click.</source>
            <translation>Перетащите сюда фото или папки

или нажмите «Добавить фото…» / «Добавить папку…», или вставьте фото (Ctrl+V).
Каждое фото получит самые вероятные классы; неверное одним щелчком можно отнести к верному классу.</translation>
        </message>
    </context>
    <context>
        <name>predict_summary</name>
        <message numerus="yes">
            <source>%n photo(s) classified</source>
            <translation>
                <numerusform>Распознано %n фото</numerusform>
                <numerusform>Распознано %n фото</numerusform>
                <numerusform>Распознано %n фото</numerusform>
            </translation>
        </message>
        <message>
            <source>; {n_err} could not be read</source>
            <translation>; не читается: {n_err}</translation>
        </message>
        <message>
            <source>; 1 looks like none of the classes</source>
            <translation>; 1 не похоже ни на один класс</translation>
        </message>
        <message>
            <source>; {n} look like none of the classes</source>
            <translation>; не похожи ни на один класс: {n}</translation>
        </message>
        <message>
            <source>. A wrong guess? Click the right class under the photo.</source>
            <translation>. Ошибся? Щёлкните верный класс под фото.</translation>
        </message>
        <message>
            <source>All {len_preds}</source>
            <translation>Все {len_preds}</translation>
        </message>
        <message>
            <source>Show every photo.</source>
            <translation>Показать все фото.</translation>
        </message>
        <message>
            <source>Needs review {n_review}</source>
            <translation>На проверку {n_review}</translation>
        </message>
        <message>
            <source>Photos worth a look: the model is unsure (below 70%), the photo looks like none of the classes, or the file could not be read.</source>
            <translation>Фото, на которые стоит взглянуть: модель не уверена (ниже 70%), фото не похоже ни на один класс или файл не читается.</translation>
        </message>
        <message numerus="yes">
            <source>%n photo(s) the model says are “{name}”.</source>
            <translation>
                <numerusform>%n фото модель относит к «{name}».</numerusform>
                <numerusform>%n фото модель относит к «{name}».</numerusform>
                <numerusform>%n фото модель относит к «{name}».</numerusform>
            </translation>
        </message>
        <message>
            <source>None of these {n_unknown}</source>
            <translation>Ни один из них {n_unknown}</translation>
        </message>
        <message>
            <source>Photos that look like none of the classes the model knows.</source>
            <translation>Фото, не похожие ни на один класс, известный модели.</translation>
        </message>
        <message>
            <source>Can't read {n_error}</source>
            <translation>Не читается {n_error}</translation>
        </message>
        <message>
            <source>Files that could not be read as photos.</source>
            <translation>Файлы, которые не удалось прочитать как фото.</translation>
        </message>
    </context>
    <context>
        <name>prediction_rows</name>
        <message>
            <source> … ({len_names} classes)</source>
            <translation> … (классов: {len_names})</translation>
        </message>
        <message>
            <source>Not one of: {shown}</source>
            <translation>Ни один из: {shown}</translation>
        </message>
        <message>
            <source>Not one of the classes</source>
            <translation>Ни один из классов</translation>
        </message>
        <message>
            <source>Sure</source>
            <extracomment>The photo's size while its heat map is shown. The least width of a card's right-hand side (badge, classes, buttons). The top class's probability from which a guess is "Sure" / "Fairly sure"; below: "Unsure".</extracomment>
            <translation>Уверенно</translation>
        </message>
        <message>
            <source>Fairly sure</source>
            <translation>Довольно уверенно</translation>
        </message>
        <message>
            <source>Unsure</source>
            <translation>Неуверенно</translation>
        </message>
        <message>
            <source>None of these</source>
            <translation>Ни один из них</translation>
        </message>
        <message>
            <source>Can't read</source>
            <translation>Не читается</translation>
        </message>
        <message>
            <source>This file could not be read: {error}</source>
            <translation>Этот файл не удалось прочитать: {error}</translation>
        </message>
        <message>
            <source>no answer</source>
            <translation>нет ответа</translation>
        </message>
        <message>
            <source>This photo looks like none of the photos the model learnt from (out-of-distribution score {score:.2f}); its classes are only guesses.</source>
            <translation>Это фото не похоже ни на одно из фото, на которых училась модель (оценка необычности {score:.2f}); его классы — лишь догадки.</translation>
        </message>
        <message>
            <source>The model gives “{label}” a probability of {top:.1%} (softmax of the top class). Sure: {SURE:.0%} or more; fairly sure: {FAIRLY_SURE:.0%} or more; unsure: less.</source>
            <translation>Модель даёт «{label}» вероятность {top:.1%} (softmax лучшего класса). Уверенно: от {SURE:.0%}; довольно уверенно: от {FAIRLY_SURE:.0%}; неуверенно: меньше.</translation>
        </message>
        <message>
            <source>Where it
looked</source>
            <extracomment>the class this photo was sent to (until an undo takes it out again)</extracomment>
            <translation>Куда
смотрела</translation>
        </message>
        <message>
            <source>Show a heat map over the photo: red where it mattered most for the answer (Grad-CAM).</source>
            <translation>Показать тепловую карту поверх фото: красным — то, что больше всего повлияло на ответ (Grad-CAM).</translation>
        </message>
        <message>
            <source>Could not read {name}: {error}</source>
            <translation>Не удалось прочитать {name}: {error}</translation>
        </message>
        <message>
            <source>Add to class…</source>
            <translation>В класс…</translation>
        </message>
        <message>
            <source>Put this photo in any class of the project.</source>
            <translation>Отнести это фото к любому классу проекта.</translation>
        </message>
        <message>
            <source>This file could not be read, so it cannot go into a class.</source>
            <translation>Этот файл не читается, поэтому его нельзя отнести к классу.</translation>
        </message>
        <message>
            <source>Put this photo in the class “{label}” of the project (Ctrl+Z undoes it).</source>
            <translation>Отнести это фото к классу «{label}» проекта (Ctrl+Z отменит).</translation>
        </message>
        <message>
            <source>Open a project to put photos in its classes.</source>
            <translation>Откройте проект, чтобы относить фото к его классам.</translation>
        </message>
        <message>
            <source>Sent to “{class_name}”</source>
            <translation>Отправлено в «{class_name}»</translation>
        </message>
        <message>
            <source>Finding where it looked…</source>
            <translation>Ищем, куда смотрела модель…</translation>
        </message>
        <message>
            <source>Sent to “{sent_to}”</source>
            <translation>Отправлено в «{sent_to}»</translation>
        </message>
        <message>
            <source>Red: where it looked to say “{name}”</source>
            <translation>Красным — куда модель смотрела, отвечая «{name}»</translation>
        </message>
    </context>
    <context>
        <name>result_card</name>
        <message numerus="yes">
            <source>%n photo(s)</source>
            <translation>
                <numerusform>%n фото</numerusform>
                <numerusform>%n фото</numerusform>
                <numerusform>%n фото</numerusform>
            </translation>
        </message>
        <message>
            <source>leave-one-out cross-validation</source>
            <translation>перекрёстной проверкой с исключением по одному</translation>
        </message>
        <message>
            <source>{int_folds}-fold cross-validation</source>
            <translation>{int_folds}-кратной перекрёстной проверкой</translation>
        </message>
        <message>
            <source>Measured by {how} on {photos}: each photo was judged by a model trained without it.</source>
            <translation>Измерено {how} на {photos}: каждое фото оценивала модель, обученная без него.</translation>
        </message>
        <message>
            <source>Measured on {photos} kept aside for validation (the model never trained on them).</source>
            <translation>Измерено на {photos}, отложенных для проверки (модель на них не обучалась).</translation>
        </message>
        <message>
            <source>&lt;b&gt;Per class&lt;/b&gt;</source>
            <translation>&lt;b&gt;По классам&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Class</source>
            <translation>Класс</translation>
        </message>
        <message>
            <source>Photos</source>
            <translation>Фото</translation>
        </message>
        <message>
            <source>Right (range)</source>
            <translation>Верно (диапазон)</translation>
        </message>
        <message>
            <source>&lt;b&gt;What it said&lt;/b&gt; (click a number to see those photos)</source>
            <translation>&lt;b&gt;Что она ответила&lt;/b&gt; (щёлкните число, чтобы увидеть эти фото)</translation>
        </message>
        <message>
            <source>Browse mistakes…</source>
            <translation>Просмотреть ошибки…</translation>
        </message>
        <message>
            <source>Every wrong answer, most confidently wrong first, with one-click fixes.</source>
            <translation>Все неверные ответы, начиная с самых уверенных, с исправлением в один щелчок.</translation>
        </message>
        <message>
            <source>No run yet</source>
            <translation>Запусков ещё нет</translation>
        </message>
        <message>
            <source>Train a model: its accuracy, measured honestly, appears here.</source>
            <translation>Обучите модель: здесь появится её честно измеренная точность.</translation>
        </message>
        <message>
            <source>Best validation accuracy: {acc}</source>
            <translation>Лучшая точность на проверке: {acc}</translation>
        </message>
        <message>
            <source>Accuracy not measured</source>
            <translation>Точность не измерена</translation>
        </message>
        <message>
            <source>This run was made before accuracy was measured on unseen photos, so there is no interval, per-class accuracy or confusion matrix. Train again to get them.</source>
            <translation>Этот запуск сделан до того, как точность стали измерять на невиданных фото, поэтому нет интервала, точности по классам и матрицы ошибок. Обучите заново, чтобы их получить.</translation>
        </message>
        <message>
            <source>This run had no validation photos and was made before accuracy was measured by cross-validation. Train again to see how good the model is.</source>
            <translation>В этом запуске не было проверочных фото, и он сделан до перекрёстной проверки точности. Обучите заново, чтобы узнать, насколько хороша модель.</translation>
        </message>
        <message>
            <source>About {percent} right ({interval})</source>
            <translation>Верно примерно {percent} ({interval})</translation>
        </message>
        <message>
            <source>well calibrated</source>
            <translation>хорошо откалибрована</translation>
        </message>
        <message>
            <source>roughly calibrated</source>
            <translation>примерно откалибрована</translation>
        </message>
        <message>
            <source>not well calibrated</source>
            <translation>плохо откалибрована</translation>
        </message>
        <message>
            <source>Its confidence is {quality}: on average a stated confidence is off by {value:.1f} points (expected calibration error).</source>
            <translation>Её уверенность {quality}: в среднем заявленная уверенность отклоняется на {value:.1f} п. п. (ожидаемая ошибка калибровки).</translation>
        </message>
        <message numerus="yes">
            <source>Browse %n mistake(s)…</source>
            <translation>
                <numerusform>Просмотреть %n ошибку…</numerusform>
                <numerusform>Просмотреть %n ошибки…</numerusform>
                <numerusform>Просмотреть %n ошибок…</numerusform>
            </translation>
        </message>
        <message>
            <source>No mistakes to browse</source>
            <translation>Ошибок для просмотра нет</translation>
        </message>
        <message>
            <source>— (no photo measured)</source>
            <translation>— (фото не измерялись)</translation>
        </message>
        <message>
            <source>Right on {percent} of the {n} photos of '{name}'; with 95% confidence between {interval}.</source>
            <translation>Верно на {percent} из {n} фото «{name}»; с доверием 95% — от {interval}.</translation>
        </message>
    </context>
    <context>
        <name>run_history</name>
        <message>
            <source>When</source>
            <translation>Когда</translation>
        </message>
        <message>
            <source>Network</source>
            <translation>Сеть</translation>
        </message>
        <message>
            <source>Trains</source>
            <translation>Что обучается</translation>
        </message>
        <message>
            <source>Right (range)</source>
            <translation>Верно (диапазон)</translation>
        </message>
        <message>
            <source>Rounds</source>
            <translation>Круги</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>Время</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>Результат</translation>
        </message>
        <message>
            <source>stopped</source>
            <translation>остановлен</translation>
        </message>
        <message>
            <source>no model</source>
            <translation>нет модели</translation>
        </message>
        <message>
            <source>finished</source>
            <translation>завершён</translation>
        </message>
        <message>
            <source>{len_members} networks</source>
            <translation>сетей: {len_members}</translation>
        </message>
        <message>
            <source>Runs</source>
            <translation>Запуски</translation>
        </message>
        <message>
            <source>No runs yet. Finished runs are listed here; click one to see its curves and settings.</source>
            <translation>Запусков ещё нет. Здесь перечислены завершённые запуски; щёлкните один, чтобы увидеть его кривые и настройки.</translation>
        </message>
        <message>
            <source>Predict with this run</source>
            <translation>Распознавать этой моделью</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>Экспорт…</translation>
        </message>
        <message>
            <source>head only</source>
            <translation>только голова</translation>
        </message>
        <message>
            <source>head + {depth} stages</source>
            <translation>голова + этапов: {depth}</translation>
        </message>
        <message>
            <source>{done} of {epochs}</source>
            <translation>{done} из {epochs}</translation>
        </message>
        <message>
            <source>Accuracy on the validation photos</source>
            <translation>Точность на проверочных фото</translation>
        </message>
        <message>
            <source>Run {id}, {created}</source>
            <translation>Запуск {id}, {created}</translation>
        </message>
    </context>
    <context>
        <name>run_progress</name>
        <message>
            <source>The pretrained network (backbone) computes its features of every photo once; they are cached for the next run.</source>
            <translation>Предобученная сеть (backbone) один раз вычисляет признаки каждого фото; они кэшируются для следующего запуска.</translation>
        </message>
        <message>
            <source>A new classifier head learns your classes from those features.</source>
            <translation>Новая классифицирующая голова учит ваши классы по этим признакам.</translation>
        </message>
        <message>
            <source>Cross-validation: each photo is judged by a model that did not learn from it, which gives the accuracy and calibration.</source>
            <translation>Перекрёстная проверка: каждое фото оценивает модель, которая на нём не училась; так получаются точность и калибровка.</translation>
        </message>
        <message>
            <source>Cancel download</source>
            <translation>Отменить загрузку</translation>
        </message>
        <message>
            <source>Not training</source>
            <translation>Обучение не идёт</translation>
        </message>
        <message>
            <source>%p%</source>
            <translation>%p%</translation>
        </message>
        <message>
            <source>Starting</source>
            <translation>Запуск</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>Готово</translation>
        </message>
        <message>
            <source>Stopped</source>
            <translation>Остановлено</translation>
        </message>
        <message>
            <source>network {member} of {members}: </source>
            <translation>сеть {member} из {members}: </translation>
        </message>
        <message>
            <source>, {n_val} kept back to check it</source>
            <translation>, для проверки отложено {n_val}</translation>
        </message>
        <message>
            <source>Reading {n} photos{kept}</source>
            <translation>Чтение фото ({n}){kept}</translation>
        </message>
        <message>
            <source>Learning: round {epoch} of {epochs}</source>
            <translation>Обучение: круг {epoch} из {epochs}</translation>
        </message>
        <message>
            <source>Reading photos</source>
            <translation>Чтение фото</translation>
        </message>
        <message>
            <source>{done:.1f} of {total:.0f} MB</source>
            <translation>{done:.1f} из {total:.0f} МБ</translation>
        </message>
        <message>
            <source>Downloading the backbone's weights…</source>
            <translation>Загрузка весов backbone…</translation>
        </message>
        <message>
            <source>Checking how good it is</source>
            <translation>Проверка качества</translation>
        </message>
        <message>
            <source>Learning</source>
            <translation>Обучение</translation>
        </message>
        <message>
            <source>{images_per_s:.0f} photos/s</source>
            <translation>{images_per_s:.0f} фото/с</translation>
        </message>
        <message>
            <source>Training failed.</source>
            <translation>Обучение не удалось.</translation>
        </message>
        <message>
            <source>Finished</source>
            <translation>Завершено</translation>
        </message>
        <message>
            <source> Accuracy on the photos kept back: {percent:.1f}%</source>
            <translation> Точность на отложенных фото: {percent:.1f}%</translation>
        </message>
        <message>
            <source> (round {epoch}).</source>
            <translation> (круг {epoch}).</translation>
        </message>
        <message>
            <source>{what} after {duration}.{acc}</source>
            <translation>{what} через {duration}.{acc}</translation>
        </message>
        <message>
            <source>Epoch {epoch} of {epochs} · batch {batch} of {steps} · {images_per_s:.0f} photos/s · loss {loss:.3f}</source>
            <translation>Эпоха {epoch} из {epochs} · пакет {batch} из {steps} · {images_per_s:.0f} фото/с · потери {loss:.3f}</translation>
        </message>
    </context>
    <context>
        <name>shortcuts</name>
        <message>
            <source>Data page: photos</source>
            <extracomment>Keys that work without a menu entry: (where, key, what it does).</extracomment>
            <translation>Страница «Данные»: фото</translation>
        </message>
        <message>
            <source>Put the selected photos in class 1 – 9 (the number on its card)</source>
            <translation>Отнести выделенные фото к классу 1 – 9 (номер на его карточке)</translation>
        </message>
        <message>
            <source>Move the selected photos to Unlabelled</source>
            <translation>Переместить выделенные фото в «Без класса»</translation>
        </message>
        <message>
            <source>Label as… any class (the tenth and later too)</source>
            <translation>Отнести к любому классу (и к десятому, и дальше)</translation>
        </message>
        <message>
            <source>Select every photo shown</source>
            <translation>Выделить все показанные фото</translation>
        </message>
        <message>
            <source>Arrows, Shift+Arrows</source>
            <translation>Стрелки, Shift+стрелки</translation>
        </message>
        <message>
            <source>Move in the photos, select more</source>
            <translation>Перемещение по фото, расширение выделения</translation>
        </message>
        <message>
            <source>Move the selected photos to the project trash</source>
            <translation>Переместить выделенные фото в корзину проекта</translation>
        </message>
        <message>
            <source>Menu key</source>
            <translation>Клавиша меню</translation>
        </message>
        <message>
            <source>The photo menu (label, find similar, delete)</source>
            <translation>Меню фото (метка, похожие, удаление)</translation>
        </message>
        <message>
            <source>Data page: class cards</source>
            <translation>Страница «Данные»: карточки классов</translation>
        </message>
        <message>
            <source>Go to the class cards</source>
            <translation>Перейти к карточкам классов</translation>
        </message>
        <message>
            <source>Arrows</source>
            <translation>Стрелки</translation>
        </message>
        <message>
            <source>Move between the cards</source>
            <translation>Перемещение между карточками</translation>
        </message>
        <message>
            <source>Enter or Space</source>
            <translation>Enter или пробел</translation>
        </message>
        <message>
            <source>Show the card's photos</source>
            <translation>Показать фото карточки</translation>
        </message>
        <message>
            <source>F2 / Del</source>
            <translation>F2 / Del</translation>
        </message>
        <message>
            <source>Rename / delete the card's class</source>
            <translation>Переименовать / удалить класс карточки</translation>
        </message>
        <message>
            <source>The card's menu (rename, ImageNet match, delete)</source>
            <translation>Меню карточки (переименование, соответствие в ImageNet, удаление)</translation>
        </message>
        <message>
            <source>Ctrl+Alt+1 – 9, Ctrl+0</source>
            <translation>Ctrl+Alt+1 – 9, Ctrl+0</translation>
        </message>
        <message>
            <source>Show class 1 – 9, Unlabelled</source>
            <translation>Показать класс 1 – 9, «Без класса»</translation>
        </message>
        <message>
            <source>New class name</source>
            <translation>Имя нового класса</translation>
        </message>
        <message>
            <source>Enter / Esc</source>
            <translation>Enter / Esc</translation>
        </message>
        <message>
            <source>Add the class / cancel</source>
            <translation>Добавить класс / отмена</translation>
        </message>
        <message>
            <source>Anywhere</source>
            <translation>Везде</translation>
        </message>
        <message>
            <source>Tab, Shift+Tab</source>
            <translation>Tab, Shift+Tab</translation>
        </message>
        <message>
            <source>Move between buttons and fields; Space or Enter presses a button</source>
            <translation>Переход между кнопками и полями; пробел или Enter нажимает кнопку</translation>
        </message>
        <message>
            <source>Alt+letter</source>
            <translation>Alt+буква</translation>
        </message>
        <message>
            <source>Open a menu (the underlined letter)</source>
            <translation>Открыть меню (подчёркнутая буква)</translation>
        </message>
        <message>
            <source>{menu} menu</source>
            <translation>Меню «{menu}»</translation>
        </message>
        <message>
            <source>Keyboard shortcuts</source>
            <translation>Горячие клавиши</translation>
        </message>
        <message>
            <source>Everything in petcognizer can be done from the keyboard. Menu entries show their keys too.</source>
            <translation>В petcognizer всё можно сделать с клавиатуры. Пункты меню тоже показывают свои клавиши.</translation>
        </message>
        <message>
            <source>Keys</source>
            <translation>Клавиши</translation>
        </message>
        <message>
            <source>What it does</source>
            <translation>Что делает</translation>
        </message>
    </context>
    <context>
        <name>stage_diagram</name>
        <message>
            <source>new head</source>
            <translation>новая голова</translation>
        </message>
        <message>
            <source>image → features → classes</source>
            <translation>изображение → признаки → классы</translation>
        </message>
    </context>
    <context>
        <name>start_page</name>
        <message>
            <source>  (not found)</source>
            <translation>  (не найден)</translation>
        </message>
        <message>
            <source>Teach your computer to recognize your photos: one class per kind of photo, then train, check and export. Everything stays on this computer.</source>
            <translation>Научите компьютер узнавать ваши фото: один класс на каждый вид фото, затем обучение, проверка и экспорт. Всё остаётся на этом компьютере.</translation>
        </message>
        <message>
            <source>New project…</source>
            <translation>Новый проект…</translation>
        </message>
        <message>
            <source>Type a name, add a class for each kind of photo, drop photos on them.</source>
            <translation>Введите имя, добавьте класс для каждого вида фото, перетащите на них фото.</translation>
        </message>
        <message>
            <source>Open project…</source>
            <translation>Открыть проект…</translation>
        </message>
        <message>
            <source>Continue with a project folder.</source>
            <translation>Продолжить работу с папкой проекта.</translation>
        </message>
        <message>
            <source>Import a folder of class folders…</source>
            <translation>Импорт папки с папками классов…</translation>
        </message>
        <message>
            <source>A folder with one subfolder of photos per class, e.g. photos/cat, photos/dog.</source>
            <translation>Папка, в которой на каждый класс своя подпапка с фото, например photos/cat, photos/dog.</translation>
        </message>
        <message>
            <source>Recent projects</source>
            <translation>Последние проекты</translation>
        </message>
        <message>
            <source>Remove from list</source>
            <translation>Убрать из списка</translation>
        </message>
        <message>
            <source>Projects you create or open appear here, so you can come back to them with one click.</source>
            <translation>Здесь появятся проекты, которые вы создаёте или открываете, — к ним можно вернуться одним щелчком.</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>Начало</translation>
        </message>
        <message>
            <source>{name}  (not found)
{parent}</source>
            <translation>{name}  (не найден)
{parent}</translation>
        </message>
        <message>
            <source>{path}
This folder is missing or no longer a project; right-click to remove it.</source>
            <translation>{path}
Этой папки нет или она больше не проект; правый щелчок — убрать из списка.</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>Открыть</translation>
        </message>
    </context>
    <context>
        <name>suggestions</name>
        <message>
            <source>None of the class names means something the pretrained network knows, and no model is trained yet. Train a model first, or give classes names like 'cat' and 'dog'.</source>
            <extracomment>Rows at or above this confidence (percent) start checked. Shown when there is neither a trained model nor a class name ImageNet knows.</extracomment>
            <translation>Ни одно имя класса не означает то, что знает предобученная сеть, и модель ещё не обучена. Сначала обучите модель или назовите классы, например, «cat» и «dog».</translation>
        </message>
        <message>
            <source>Suggested labels</source>
            <translation>Предложенные метки</translation>
        </message>
        <message>
            <source>Photo</source>
            <translation>Фото</translation>
        </message>
        <message>
            <source>Suggested class</source>
            <translation>Предложенный класс</translation>
        </message>
        <message>
            <source>Confidence</source>
            <translation>Уверенность</translation>
        </message>
        <message>
            <source>Check every photo whose suggestion is at least this confident</source>
            <translation>Отметить все фото, чьё предложение не менее уверенно</translation>
        </message>
        <message>
            <source>Back to photos</source>
            <translation>Назад к фото</translation>
        </message>
        <message>
            <source>Accept checked</source>
            <translation>Принять отмеченные</translation>
        </message>
        <message>
            <source>Move the checked photos into their suggested classes (Ctrl+Z undoes)</source>
            <translation>Переместить отмеченные фото в предложенные классы (Ctrl+Z отменит)</translation>
        </message>
        <message>
            <source>Check photos at or above</source>
            <translation>Отметить фото от</translation>
        </message>
        <message numerus="yes">
            <source>Looking at %n unlabelled photo(s)…</source>
            <translation>
                <numerusform>Просмотр %n фото без класса…</numerusform>
                <numerusform>Просмотр %n фото без класса…</numerusform>
                <numerusform>Просмотр %n фото без класса…</numerusform>
            </translation>
        </message>
        <message>
            <source>Looking at the photos: {done} of {total}</source>
            <translation>Просмотр фото: {done} из {total}</translation>
        </message>
        <message>
            <source>Stopping…</source>
            <translation>Остановка…</translation>
        </message>
        <message>
            <source>There are no suggestions: every unlabelled photo failed to load.</source>
            <translation>Предложений нет: ни одно фото без класса не загрузилось.</translation>
        </message>
        <message>
            <source>{k} of {n} checked</source>
            <translation>Отмечено {k} из {n}</translation>
        </message>
        <message>
            <source>Accept {k} checked</source>
            <translation>Принять отмеченные ({k})</translation>
        </message>
    </context>
    <context>
        <name>train_estimate</name>
        <message>
            <source>Reading photos</source>
            <extracomment>Photos per second of feature extraction on a 2-core CPU (bench/train_eta_bench.py). Measured on 60 photos of 400x320 px at load average 2 (bench/results/train_eta.json). Any other backbone: photos per second. Building a network and loading its weights, seconds. Learning a head on cached features (hundreds of small steps), seconds. Checking (cross-validation on cached features): seconds, plus per network, plus per photo.</extracomment>
            <translation>Чтение фото</translation>
        </message>
        <message>
            <source>Learning</source>
            <translation>Обучение</translation>
        </message>
        <message>
            <source>Checking</source>
            <translation>Проверка</translation>
        </message>
        <message>
            <source>a few seconds left</source>
            <translation>осталось несколько секунд</translation>
        </message>
        <message>
            <source>a few seconds</source>
            <translation>несколько секунд</translation>
        </message>
        <message>
            <source>about {s} s left</source>
            <translation>осталось около {s} с</translation>
        </message>
        <message>
            <source>about {s} s</source>
            <translation>около {s} с</translation>
        </message>
        <message>
            <source>about {m} min left</source>
            <translation>осталось около {m} мин</translation>
        </message>
        <message>
            <source>about {m} min</source>
            <translation>около {m} мин</translation>
        </message>
        <message>
            <source>about {h} h {m:02d} min left</source>
            <translation>осталось около {h} ч {m:02d} мин</translation>
        </message>
        <message>
            <source>about {h} h {m:02d} min</source>
            <translation>около {h} ч {m:02d} мин</translation>
        </message>
    </context>
    <context>
        <name>train_mistakes</name>
        <message>
            <source>Mistakes of this run</source>
            <translation>Ошибки этого запуска</translation>
        </message>
        <message>
            <source>'{true}' called '{predicted}'</source>
            <translation>«{true}» названо «{predicted}»</translation>
        </message>
    </context>
    <context>
        <name>train_page</name>
        <message>
            <source>How good is it?</source>
            <extracomment>``make_job(project, config) -&gt; job(callback, cancel)``: a job run on a thread instead of the engine (tests). True while the form follows the data (recommended settings), False once set by hand.</extracomment>
            <translation>Качество модели</translation>
        </message>
        <message>
            <source>Training curves</source>
            <translation>Кривые обучения</translation>
        </message>
        <message>
            <source>Settings recommended for {n_images} photos in {n_classes} classes.</source>
            <translation>Рекомендуемые настройки для {n_images} фото; классов: {n_classes}.</translation>
        </message>
        <message>
            <source>Open or create a project on the Start page to train a model.</source>
            <translation>Откройте или создайте проект на начальной странице, чтобы обучить модель.</translation>
        </message>
        <message>
            <source>&lt;b&gt;Nothing to train yet.&lt;/b&gt; Add at least 2 classes with photos on the Data page, then click Train.</source>
            <translation>&lt;b&gt;Пока нечего обучать.&lt;/b&gt; Добавьте на странице «Данные» хотя бы 2 класса с фото, затем нажмите «Обучить».</translation>
        </message>
        <message>
            <source>Cannot start training: {exc}</source>
            <translation>Не удалось начать обучение: {exc}</translation>
        </message>
        <message>
            <source>Stopping after the current batch… the best model so far is kept.</source>
            <translation>Остановка после текущего пакета… лучшая модель сохраняется.</translation>
        </message>
        <message>
            <source>Cancelling the download…</source>
            <translation>Отмена загрузки…</translation>
        </message>
        <message>
            <source>Training on: &lt;b&gt;{device}&lt;/b&gt;</source>
            <translation>Обучение на: &lt;b&gt;{device}&lt;/b&gt;</translation>
        </message>
        <message>
            <source>Training was cancelled before it learnt anything.</source>
            <translation>Обучение отменено прежде, чем модель чему-то научилась.</translation>
        </message>
        <message>
            <source>&lt;b&gt;Training stopped with an error.&lt;/b&gt; {text}</source>
            <translation>&lt;b&gt;Обучение остановилось с ошибкой.&lt;/b&gt; {text}</translation>
        </message>
        <message>
            <source>Training failed.</source>
            <translation>Обучение не удалось.</translation>
        </message>
        <message>
            <source>not measured (no photos kept back)</source>
            <translation>не измерено (нет отложенных фото)</translation>
        </message>
        <message>
            <source>{accuracy} right</source>
            <translation>верно: {accuracy}</translation>
        </message>
        <message>
            <source>The run of {when}: {what}, trained in {duration}. Its settings are under Expert settings.</source>
            <translation>Запуск {when}: {what}, обучен за {duration}. Его настройки — в разделе «Настройки для экспертов».</translation>
        </message>
        <message>
            <source>{acc} right on the photos kept back</source>
            <translation>верно {acc} на отложенных фото</translation>
        </message>
        <message>
            <source>Run {id} on {device}</source>
            <translation>Запуск {id} на {device}</translation>
        </message>
    </context>
    <context>
        <name>train_settings</name>
        <message>
            <source>Linear (fastest; best with few photos)</source>
            <extracomment>backbone name -&gt; parameter count of each stage (input to output).</extracomment>
            <translation>Линейная (быстро; мало фото)</translation>
        </message>
        <message>
            <source>Pooling + dropout + linear</source>
            <translation>Пулинг + dropout + линейная</translation>
        </message>
        <message>
            <source>Hidden layer + dropout</source>
            <translation>Скрытый слой + dropout</translation>
        </message>
        <message>
            <source>Nearest class mean (frozen backbone)</source>
            <translation>Прототипы (backbone заморожен)</translation>
        </message>
        <message>
            <source>All at once</source>
            <translation>Всё сразу</translation>
        </message>
        <message>
            <source>Unfreeze gradually (head first)</source>
            <translation>Поэтапно (сначала голова)</translation>
        </message>
        <message>
            <source>Automatic (GPU if there is one)</source>
            <translation>Авто (GPU, если есть)</translation>
        </message>
        <message>
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <source>NVIDIA GPU (CUDA)</source>
            <translation>GPU NVIDIA (CUDA)</translation>
        </message>
        <message>
            <source>Apple GPU (MPS)</source>
            <translation>GPU Apple (MPS)</translation>
        </message>
        <message>
            <source>Network (the pretrained backbone)</source>
            <translation>Сеть (предобученный backbone)</translation>
        </message>
        <message>
            <source>What trains</source>
            <translation>Что обучается</translation>
        </message>
        <message>
            <source>Frozen</source>
            <translation>Заморожено</translation>
        </message>
        <message>
            <source>How many of the backbone's top stages train. Left: only the new head trains (fast, best with few photos). Right: the whole network trains (slow, needs many photos).</source>
            <translation>Сколько верхних этапов backbone обучается. Слева: обучается только новая голова (быстро, лучше при малом числе фото). Справа: обучается вся сеть (медленно, нужно много фото).</translation>
        </message>
        <message>
            <source>Trains</source>
            <translation>Что обучается</translation>
        </message>
        <message>
            <source>Training</source>
            <translation>Обучение</translation>
        </message>
        <message>
            <source>Head:</source>
            <translation>Голова:</translation>
        </message>
        <message>
            <source> epochs</source>
            <translation> эпох</translation>
        </message>
        <message>
            <source>Length:</source>
            <translation>Длительность:</translation>
        </message>
        <message>
            <source>Step size of the optimiser (AdamW). The arrows halve or double it.</source>
            <translation>Размер шага оптимизатора (AdamW). Стрелки уменьшают его вдвое или удваивают.</translation>
        </message>
        <message>
            <source>Learning rate:</source>
            <translation>Шаг обучения:</translation>
        </message>
        <message>
            <source> photos</source>
            <translation> фото</translation>
        </message>
        <message>
            <source>Batch size:</source>
            <translation>Размер пакета:</translation>
        </message>
        <message>
            <source>Schedule:</source>
            <translation>Расписание:</translation>
        </message>
        <message>
            <source>Random crop and flip</source>
            <translation>Случайная обрезка и отражение</translation>
        </message>
        <message>
            <source>Colour jitter</source>
            <translation>Цветовой шум</translation>
        </message>
        <message>
            <source>Cutout (random erasing)</source>
            <translation>Cutout (случайное стирание)</translation>
        </message>
        <message>
            <source>Augmentation:</source>
            <translation>Аугментация:</translation>
        </message>
        <message>
            <source>Use class-name knowledge (ImageNet prior)</source>
            <translation>Знания об именах классов (априори ImageNet)</translation>
        </message>
        <message>
            <source>When a class name matches ImageNet categories (e.g. "tabby cat"), start from what the backbone already knows. Only with the whole backbone frozen.</source>
            <translation>Если имя класса совпадает с категориями ImageNet (например, «tabby cat»), начать с того, что backbone уже знает. Только при полностью замороженном backbone.</translation>
        </message>
        <message>
            <source>Ensemble of the 3 bundled backbones</source>
            <translation>Ансамбль из 3 встроенных backbone</translation>
        </message>
        <message>
            <source>Train a head on EfficientNet-Lite0, -Lite1 and -Lite2 and average their answers: more accurate with few photos, about 5x the compute.</source>
            <translation>Обучить голову на EfficientNet-Lite0, -Lite1 и -Lite2 и усреднить их ответы: точнее при малом числе фото, примерно в 5 раз больше вычислений.</translation>
        </message>
        <message>
            <source>Recommended settings</source>
            <translation>Рекомендуемые настройки</translation>
        </message>
        <message>
            <source>Fill the settings from the number of photos and classes.</source>
            <translation>Заполнить настройки по числу фото и классов.</translation>
        </message>
        <message>
            <source>More settings</source>
            <translation>Ещё настройки</translation>
        </message>
        <message>
            <source>Weight decay:</source>
            <translation>Затухание весов:</translation>
        </message>
        <message>
            <source>Label smoothing:</source>
            <translation>Сглаживание меток:</translation>
        </message>
        <message>
            <source>Head dropout:</source>
            <translation>Dropout головы:</translation>
        </message>
        <message>
            <source> % of photos</source>
            <translation> % фото</translation>
        </message>
        <message>
            <source>Photos held back to measure accuracy. 0: train on everything (no validation).</source>
            <translation>Фото, отложенные для измерения точности. 0: обучать на всём (без проверки).</translation>
        </message>
        <message>
            <source>Validation:</source>
            <translation>Проверка:</translation>
        </message>
        <message>
            <source>Stop early after:</source>
            <translation>Ранняя остановка через:</translation>
        </message>
        <message>
            <source>Warm-up:</source>
            <translation>Разогрев:</translation>
        </message>
        <message>
            <source> per photo</source>
            <translation> на фото</translation>
        </message>
        <message>
            <source>With augmentation and a frozen backbone (or prefix), this many augmented views of each photo are computed once and reused.</source>
            <translation>При аугментации и замороженном backbone (или его начале) столько аугментированных вариантов каждого фото вычисляется один раз и используется повторно.</translation>
        </message>
        <message>
            <source>Augmented views:</source>
            <translation>Вариантов:</translation>
        </message>
        <message>
            <source>Progressive resizing (3/4 size first; all stages training)</source>
            <translation>Сначала 3/4 размера (обучаются все этапы)</translation>
        </message>
        <message>
            <source>Weight classes by their photo counts</source>
            <translation>Взвешивать классы по числу фото</translation>
        </message>
        <message>
            <source>Off: guesses follow how many photos each class has, best when new photos come in the same shares. On: every class counts the same, so a small class is guessed more often.</source>
            <translation>Выключено: ответы учитывают, сколько фотографий в каждом классе; лучше всего, когда новые фотографии приходят в тех же долях. Включено: каждый класс весит одинаково, поэтому малый класс угадывается чаще.</translation>
        </message>
        <message>
            <source>Update BatchNorm statistics in trained stages</source>
            <translation>Обновлять BatchNorm в обучаемых этапах</translation>
        </message>
        <message>
            <source>Random seed:</source>
            <translation>Случайное зерно:</translation>
        </message>
        <message>
            <source>Device:</source>
            <translation>Устройство:</translation>
        </message>
        <message>
            <source>ready</source>
            <translation>готов</translation>
        </message>
        <message>
            <source>not in this build</source>
            <translation>нет в этой сборке</translation>
        </message>
        <message>
            <source>download {download_mb:.0f} MB</source>
            <translation>загрузка {download_mb:.0f} МБ</translation>
        </message>
        <message>
            <source>not installed</source>
            <translation>не установлен</translation>
        </message>
        <message>
            <source>{name}  ({params_m:g} M{top1}) · {short}</source>
            <translation>{name}  ({params_m:g} млн{top1}) · {short}</translation>
        </message>
        <message>
            <source>{family}: {params:g} M parameters, ImageNet top-1 {top1}%. {description}
Weights: {status}.</source>
            <translation>{family}: {params:g} млн параметров, ImageNet top-1 {top1}%. {description}
Веса: {status}.</translation>
        </message>
        <message>
            <source>&lt;span style="color:#2e7d32"&gt;Ready: {status}&lt;/span&gt;</source>
            <translation>&lt;span style="color:#2e7d32"&gt;Готово: {status}&lt;/span&gt;</translation>
        </message>
        <message>
            <source>&lt;span style="color:#a15c00"&gt;Not on this computer yet: {status} (done automatically when you train)&lt;/span&gt;</source>
            <translation>&lt;span style="color:#a15c00"&gt;Пока нет на этом компьютере: {status} (загрузится автоматически при обучении)&lt;/span&gt;</translation>
        </message>
        <message>
            <source>{family} · {params_m:g} M parameters · ImageNet top-1 {top1} · {input_size} px&lt;br&gt;{ready_text}</source>
            <translation>{family} · {params_m:g} млн параметров · ImageNet top-1 {top1} · {input_size} пикс.&lt;br&gt;{ready_text}</translation>
        </message>
        <message>
            <source>Only the new head trains (the backbone stays as it is: fast).</source>
            <translation>Только новая голова (backbone не меняется: быстро).</translation>
        </message>
        <message>
            <source>Everything trains: all {n} stages and the head (slow; needs many photos).</source>
            <translation>Обучается всё: все {n} этапов и голова (медленно; нужно много фото).</translation>
        </message>
        <message>
            <source>The head and the top {d} of {n} stages train.</source>
            <translation>Обучаются голова и верхние {d} из {n} этапов.</translation>
        </message>
        <message>
            <source>Counting parameters…</source>
            <translation>Подсчёт параметров…</translation>
        </message>
        <message>
            <source>Trainable backbone parameters: {format_params_trainable} of {format_params_total} (plus the head)</source>
            <translation>Обучаемых параметров backbone: {format_params_trainable} из {format_params_total} (плюс голова)</translation>
        </message>
        <message>
            <source>The class-name prior needs the whole backbone frozen (slider at the left).</source>
            <translation>Априори по именам классов требует полностью замороженного backbone (ползунок влево).</translation>
        </message>
        <message>
            <source>Parameter count unavailable.</source>
            <translation>Число параметров недоступно.</translation>
        </message>
    </context>
    <context>
        <name>train_simple</name>
        <message>
            <source>One network (EfficientNet-Lite0): recommended settings for your photos (frozen backbone, linear head, class-name prior).</source>
            <translation>Одна сеть (EfficientNet-Lite0): рекомендуемые настройки для ваших фото (замороженный backbone, линейная голова, априори по именам классов).</translation>
        </message>
        <message>
            <source>Quick</source>
            <translation>Быстро</translation>
        </message>
        <message>
            <source>Most accurate</source>
            <translation>Точнее всего</translation>
        </message>
        <message>
            <source>Three networks (EfficientNet-Lite0, -Lite1 and -Lite2, an ensemble) whose answers are averaged: the recommended settings plus the ensemble. More accurate with few photos; about 3 to 4 times as long.</source>
            <translation>Три сети (EfficientNet-Lite0, -Lite1 и -Lite2, ансамбль), чьи ответы усредняются: рекомендуемые настройки плюс ансамбль. Точнее при малом числе фото; примерно в 3–4 раза дольше.</translation>
        </message>
        <message>
            <source>One network: the fastest.</source>
            <translation>Одна сеть: быстрее всего.</translation>
        </message>
        <message>
            <source>Three networks vote: usually a little more accurate, takes longer.</source>
            <translation>Три сети голосуют: обычно чуть точнее, дольше.</translation>
        </message>
        <message>
            <source>{len_classes} kinds ({names})</source>
            <translation>классы {names} (всего {len_classes})</translation>
        </message>
        <message>
            <source>{len_classes} kinds</source>
            <translation>классы ({len_classes})</translation>
        </message>
        <message>
            <source>petcognizer will learn to tell {kinds} apart from {n_images} photos.</source>
            <translation>petcognizer научится различать {kinds} по {n_images} фото.</translation>
        </message>
        <message>
            <source>petcognizer will learn to tell {kinds} apart from {n_images} photos: {time} on this computer.</source>
            <translation>petcognizer научится различать {kinds} по {n_images} фото: {time} на этом компьютере.</translation>
        </message>
        <message>
            <source>Using your own settings (see Expert settings). Pick a choice above to go back to the recommended ones.</source>
            <translation>Используются ваши настройки (см. «Настройки для экспертов»). Выберите вариант выше, чтобы вернуться к рекомендуемым.</translation>
        </message>
        <message>
            <source>Train</source>
            <translation>Обучить</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>Стоп</translation>
        </message>
        <message>
            <source>Stop after the current batch; the best model so far is kept.</source>
            <translation>Остановиться после текущего пакета; лучшая модель сохраняется.</translation>
        </message>
        <message>
            <source>Expert settings</source>
            <translation>Настройки для экспертов</translation>
        </message>
        <message>
            <source>The network (backbone), what trains, head, epochs, learning rate, batch size, augmentation, validation split, device…</source>
            <translation>Сеть (backbone), что обучается, голова, эпохи, скорость обучения, размер пакета, аугментация, доля проверки, устройство…</translation>
        </message>
        <message>
            <source>The network itself trains, as your photos are unlike everyday photos: {time} on this computer.</source>
            <translation>Обучается сама сеть, так как ваши фото не похожи на обычные снимки: {time} на этом компьютере.</translation>
        </message>
        <message>
            <source>Only its last layer trains: {time}.</source>
            <translation>Обучается только последний слой: {time}.</translation>
        </message>
        <message>
            <source>Recommended for these photos: Most accurate.</source>
            <translation>Для этих фото рекомендуется «Точнее всего».</translation>
        </message>
        <message>
            <source>Looking at your photos to choose the settings…</source>
            <translation>Изучаем ваши фото, чтобы выбрать настройки…</translation>
        </message>
    </context>
    <context>
        <name>undo</name>
        <message>
            <source>Unlabelled</source>
            <translation>Без класса</translation>
        </message>
        <message numerus="yes">
            <source>Add %n photo(s) to {target}</source>
            <translation>
                <numerusform>Добавить %n фото в {target}</numerusform>
                <numerusform>Добавить %n фото в {target}</numerusform>
                <numerusform>Добавить %n фото в {target}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Move %n photo(s) to {target}</source>
            <translation>
                <numerusform>Переместить %n фото в {target}</numerusform>
                <numerusform>Переместить %n фото в {target}</numerusform>
                <numerusform>Переместить %n фото в {target}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Delete %n photo(s)</source>
            <translation>
                <numerusform>Удалить %n фото</numerusform>
                <numerusform>Удалить %n фото</numerusform>
                <numerusform>Удалить %n фото</numerusform>
            </translation>
        </message>
        <message>
            <source>Add class '{name}'</source>
            <translation>Добавить класс «{name}»</translation>
        </message>
        <message>
            <source>Rename '{old}' to '{new}'</source>
            <translation>Переименовать «{old}» в «{new}»</translation>
        </message>
        <message numerus="yes">
            <source>Delete class '{name}' (%n photo(s))</source>
            <translation>
                <numerusform>Удалить класс «{name}» (%n фото)</numerusform>
                <numerusform>Удалить класс «{name}» (%n фото)</numerusform>
                <numerusform>Удалить класс «{name}» (%n фото)</numerusform>
            </translation>
        </message>
        <message>
            <source>Delete class '{name}'</source>
            <translation>Удалить класс «{name}»</translation>
        </message>
    </context>
    <context>
        <name>widgets</name>
        <message>
            <source>Dismiss</source>
            <translation>Закрыть</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Отмена</translation>
        </message>
    </context>
    <context>
        <name>window_projects</name>
        <message>
            <source>Made the project '{name}' at {target}. Add a class for each kind of photo.</source>
            <translation>Проект «{name}» создан в {target}. Добавьте класс для каждого вида фото.</translation>
        </message>
        <message>
            <source>The project you had open last, '{name}', is not at {parent} any more (moved, renamed or deleted?). Open it from where it is now, or start a new one.</source>
            <translation>Проекта, открытого в прошлый раз, «{name}», больше нет в {parent} (перемещён, переименован или удалён?). Откройте его там, где он сейчас, или начните новый.</translation>
        </message>
        <message>
            <source>Open a project folder</source>
            <translation>Открыть папку проекта</translation>
        </message>
        <message>
            <source>Choose the folder that holds one subfolder per class</source>
            <translation>Выберите папку, в которой на каждый класс своя подпапка</translation>
        </message>
        <message>
            <source>Import a folder of class folders</source>
            <translation>Импорт папки с папками классов</translation>
        </message>
        <message>
            <source>Importing photos from {src}…</source>
            <translation>Импорт фото из {src}…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>Отмена</translation>
        </message>
        <message>
            <source>Importing {src}…</source>
            <translation>Импорт {src}…</translation>
        </message>
        <message>
            <source>Importing photos: {done} of {total}</source>
            <translation>Импорт фото: {done} из {total}</translation>
        </message>
        <message numerus="yes">
            <source>Imported %n photo(s) into {classes} classes.</source>
            <translation>
                <numerusform>Импортировано %n фото; классов: {classes}.</numerusform>
                <numerusform>Импортировано %n фото; классов: {classes}.</numerusform>
                <numerusform>Импортировано %n фото; классов: {classes}.</numerusform>
            </translation>
        </message>
        <message>
            <source> {len_refused} files could not be added (listed on the Data page).</source>
            <translation> Не удалось добавить файлов: {len_refused} (список на странице «Данные»).</translation>
        </message>
        <message>
            <source> Import stopped before the end; the photos added so far are in the project.</source>
            <translation> Импорт остановлен до конца; уже добавленные фото — в проекте.</translation>
        </message>
        <message>
            <source>Cannot import the folder</source>
            <translation>Не удалось открыть папку для импорта</translation>
        </message>
    </context>
</TS>
