#!/usr/bin/env bash
# Build petcognizer's one-folder desktop app with PyInstaller (a CPU build of torch, no
# torchvision, no timm), check that it runs without a Python installation, and launch it
# under Xvfb to save a screenshot of its start page. Exits non-zero if any step fails,
# the window included.
#
#   packaging/build_desktop.sh [--skip-build]
#
# Needs (Debian/Ubuntu names): python3 (3.10+) with venv; xvfb, xdotool and imagemagick for the
# window check; and the X11 libraries Qt's xcb plugin links to, which PyInstaller copies into the
# build (so the user's machine needs none of them):
#   apt-get install -y python3-venv xvfb xdotool imagemagick libxcb-cursor0 libxcb-icccm4 \
#       libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0 \
#       libxcb-randr0 libxcb-shape0 libxcb-xinerama0
#   strace (optional): proves that the build opens no file of any Python installation.
# Environment:
#   BUILD_DIR    where the build venv and the output go (default: ../pkgbuild beside the checkout;
#                never inside it). The app is BUILD_DIR/dist/petcognizer/petcognizer.
#   TORCH_SPEC   the torch requirement (default: torch==2.13.0, a CPU build where pip finds one)
#   TORCH_INDEX  an index for torch only, e.g. https://download.pytorch.org/whl/cpu (default: none,
#                pip's own index; PyPI's Linux torch is a CUDA build of several GB)
#   SCREENSHOT   where the start page's screenshot goes (default: BUILD_DIR/desktop-build-start.png)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$(dirname "$REPO")/pkgbuild}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
TORCH_INDEX=${TORCH_INDEX:-}
VENV=$BUILD_DIR/venv
DIST=$BUILD_DIR/dist
APP_DIR=$DIST/petcognizer
APP=$APP_DIR/petcognizer
SCREENSHOT=${SCREENSHOT:-$BUILD_DIR/desktop-build-start.png}
SKIP_BUILD=0
for arg in "$@"; do
    case $arg in
        --skip-build) SKIP_BUILD=1 ;;   # reuse BUILD_DIR/dist: only the checks and the screenshot
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "build_desktop: unknown option $arg (see --help)" >&2; exit 2 ;;
    esac
done

say() { printf '\n== %s\n' "$*"; }
die() { echo "build_desktop: $*" >&2; exit 1; }

case $BUILD_DIR/ in "$REPO"/*) die "BUILD_DIR=$BUILD_DIR is inside the checkout; choose a folder outside it" ;; esac
for tool in Xvfb xdotool import; do
    command -v "$tool" >/dev/null || die "$tool is not installed; on Debian/Ubuntu: apt-get install -y xvfb xdotool imagemagick"
done
mkdir -p "$BUILD_DIR"

if [ "$SKIP_BUILD" = 0 ]; then
    say "build venv in $VENV"
    command -v python3 >/dev/null || die "python3 is not installed (needed to build, not to run the build)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || die "python3 -m venv failed; on Debian/Ubuntu: apt-get install -y python3-venv"
    PIP=("$VENV/bin/python" -m pip install --disable-pip-version-check -q)
    if [ -n "$TORCH_INDEX" ]; then
        "${PIP[@]}" "$TORCH_SPEC" --index-url "$TORCH_INDEX"
    else
        "${PIP[@]}" "$TORCH_SPEC"
    fi
    # petcognizer's own dependency list, minus torch (above), torchvision and timm (not in this build)
    mapfile -t DEPS < <("$VENV/bin/python" - "$REPO/pyproject.toml" <<'EOF'
import re, sys, tomllib
deps = tomllib.load(open(sys.argv[1], 'rb'))['project']['dependencies']
for d in deps:
    if re.split(r'[\s<>=!~;\[]', d, maxsplit=1)[0].lower() not in ('torch', 'torchvision', 'timm'):
        print(d)
EOF
)
    "${PIP[@]}" "${DEPS[@]}" 'pyinstaller>=6.10'
    "${PIP[@]}" --no-deps --force-reinstall "$REPO"
    "$VENV/bin/python" - <<'EOF' || die "the build venv is not what this build needs (see above)"
import importlib.util, sys, torch
bad = [m for m in ('torchvision', 'timm') if importlib.util.find_spec(m)]
if bad:
    sys.exit(f'{", ".join(bad)} installed in the build venv: remove them (the build ships neither)')
if torch.version.cuda:
    sys.exit(f'torch {torch.__version__} is a CUDA build; set TORCH_INDEX=https://download.pytorch.org/whl/cpu')
print(f'torch {torch.__version__} (CPU build), no torchvision, no timm')
EOF
    say "PyInstaller (one folder) into $DIST"
    rm -rf "$APP_DIR"
    /usr/bin/time -f 'pyinstaller: %e s wall, %U s user, %S s sys, %M KB max RSS' \
        "$VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$DIST" \
        --workpath "$BUILD_DIR/work" "$REPO/packaging/pyinstaller/petcognizer.spec"
fi
[ -x "$APP" ] || die "$APP is missing: build first (without --skip-build)"
QXCB=$APP_DIR/_internal/PySide6/Qt/plugins/platforms/libqxcb.so
if [ -f "$QXCB" ] && LD_LIBRARY_PATH=$APP_DIR/_internal ldd "$QXCB" | grep 'not found'; then
    die "Qt's xcb plugin in the build lacks the libraries above: install them (see the apt-get line in $0) and build again"
fi

say "size"
du -sh "$APP_DIR"
echo "files: $(find "$APP_DIR" -type f | wc -l)"
if command -v tar >/dev/null && command -v gzip >/dev/null; then
    echo "as .tar.gz: $(tar -C "$DIST" -cf - petcognizer | gzip -1 | wc -c | awk '{printf "%.0f MB", $1/1e6}')"
fi

# Everything below runs the build with a clean environment: no PATH to any Python, no
# PYTHON* variables, a fresh home (so the app finds no settings and never touches the
# user's), and the CPU. Where this shell may (root: unshare --mount), every Python installation
# on the machine is hidden too: read-only empty folders are mounted over the build venv, the
# Python it was made with and the system's, in a private mount namespace, and a python3 that
# still starts is an error.
WORK=$(mktemp -d "$BUILD_DIR/run.XXXXXX")
XVFB_PID=
APP_PID=
cleanup() {
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/home"
PYPREFIX=$("$VENV/bin/python" -c 'import sys; print(sys.base_prefix)')
HIDE=("$VENV" "$PYPREFIX")
for d in /usr/lib/python3* /usr/local/lib/python3* /opt/python*; do [ -d "$d" ] && HIDE+=("$d"); done
HIDE_LIST=$(IFS=:; echo "${HIDE[*]}")
CLEAN_ENV=(env -i "HOME=$WORK/home" "PATH=/usr/bin:/bin" "LANG=C.UTF-8" "TMPDIR=$WORK"
           "XDG_CONFIG_HOME=$WORK/home/.config" "XDG_CACHE_HOME=$WORK/home/.cache"
           "PETCOGNIZER_DEVICE=cpu" "HIDE_LIST=$HIDE_LIST")
NO_PYTHON=()
if unshare --mount --propagation private true 2>/dev/null; then
    NO_PYTHON=(unshare --mount --propagation private bash -c '
        IFS=: read -ra dirs <<<"$HIDE_LIST"
        for d in "${dirs[@]}"; do mount -t tmpfs -o ro tmpfs "$d" || exit 3; done
        if python3 -c "import sys" 2>/dev/null; then echo "build_desktop: a python3 still runs" >&2; exit 4; fi
        exec "$@"' no-python)
    echo "the runs below see no Python (hidden: ${HIDE[*]})"
else
    echo "unshare --mount needs root: the runs below do not hide the Python installations (strace checks them)"
fi
RUN=("${CLEAN_ENV[@]}" "${NO_PYTHON[@]}")

say "the command line: --version, backbones, train 3+3 photos, predict, export to ONNX"
"${RUN[@]}" "$APP" --version
"${RUN[@]}" "$APP" backbones
"$VENV/bin/python" - "$WORK/photos" <<'EOF'
import random, sys
from pathlib import Path
from PIL import Image
for name, colour in (('red', (220, 40, 40)), ('blue', (40, 60, 220))):
    for i in range(3):
        rnd = random.Random(i)
        img = Image.new('RGB', (96, 80), colour)
        for _ in range(40):
            img.putpixel((rnd.randrange(96), rnd.randrange(80)), tuple(rnd.randrange(256) for _ in range(3)))
        (Path(sys.argv[1]) / name).mkdir(parents=True, exist_ok=True)
        img.save(Path(sys.argv[1]) / name / f'{name}{i}.png')
EOF
/usr/bin/time -f 'train: %e s wall, %U s user' "${RUN[@]}" "$APP" train "$WORK/photos" \
    --out "$WORK/pets.safetensors" --epochs 3 --quiet
"${RUN[@]}" "$APP" predict "$WORK/pets.safetensors" "$WORK/photos/red/red0.png" --json
# the window's default export: ONNX, which petcognizer reloads and checks against the model, with
# its float16, int8 and torch.export variants (each checked the same way)
"${RUN[@]}" "$APP" export "$WORK/pets.safetensors" --format onnx --out "$WORK/pets.onnx" \
    --also fp16,int8,pt2 >"$WORK/export.txt" || { cat "$WORK/export.txt"; die "the ONNX export failed"; }
grep -E '^Checked:|^  (fp16|int8|pt2):' "$WORK/export.txt"
[ "$(grep -cE '^Checked:|^  (fp16|int8|pt2): .*top-1' "$WORK/export.txt")" = 4 ] \
    || die "the ONNX export or one of its variants was not checked (above)"
[ -f "$WORK/pets.onnx-bundle/predict.py" ] || die "the ONNX export's bundle has no predict.py"
if command -v strace >/dev/null; then
    # the build must not read any Python installation: not the build venv, not the Python it came from
    "${CLEAN_ENV[@]}" strace -f -qq -e trace=open,openat,execve -o "$WORK/strace.txt" \
        "$APP" predict "$WORK/pets.safetensors" "$WORK/photos/blue" --json >/dev/null
    if grep -E "\"($VENV|$PYPREFIX)/" "$WORK/strace.txt" | grep -v ENOENT | head -5 | grep -q .; then
        grep -E "\"($VENV|$PYPREFIX)/" "$WORK/strace.txt" | head -5
        die "the build opened files of a Python installation (above)"
    fi
    echo "strace: $(grep -v ENOENT "$WORK/strace.txt" | grep -c 'open') files opened, none in $VENV or $PYPREFIX"
fi

say "the window, under Xvfb"
for n in $(seq 90 120); do [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { DISPLAY_NUM=$n; break; }; done
[ -n "${DISPLAY_NUM:-}" ] || die "no free X display number in :90-:120"
Xvfb ":$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$DISPLAY_NUM" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$DISPLAY_NUM" ] || { cat "$WORK/xvfb.log" >&2; die "Xvfb did not start"; }
export DISPLAY=":$DISPLAY_NUM"
T0=$(date +%s.%N)
"${CLEAN_ENV[@]}" "DISPLAY=$DISPLAY" "QT_QPA_PLATFORM=xcb" "${NO_PYTHON[@]}" "$APP" >"$WORK/app.log" 2>&1 &
APP_PID=$!
# polled every 0.05 s (xdotool's own --sync polls every 0.5 s, too coarse to time a start)
WID=
DEADLINE=$(( $(date +%s) + 120 ))
while [ -z "$WID" ] && [ "$(date +%s)" -lt "$DEADLINE" ] && kill -0 "$APP_PID" 2>/dev/null; do
    WID=$(xdotool search --onlyvisible --name '^petcognizer$' 2>/dev/null | head -1) || true
    [ -n "$WID" ] || sleep 0.05
done
T1=$(date +%s.%N)
if [ -z "$WID" ]; then
    cat "$WORK/app.log" >&2
    kill -0 "$APP_PID" 2>/dev/null && die "no petcognizer window within 120 s" \
        || die "the app exited before showing its window (its output is above)"
fi
# CPU seconds the app had used when its window showed (utime + stime, in clock ticks)
CPU_S=$(awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$APP_PID/stat")
echo "window shown $(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.2f", b-a}') s after launch, $CPU_S CPU s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
sleep 3   # let it paint
import -window "$WID" "$SCREENSHOT"
# a painted window is not one flat colour
SD=$(convert "$SCREENSHOT" -colorspace Gray -format '%[fx:standard_deviation]' info:)
awk -v s="$SD" 'BEGIN{exit !(s > 0.02)}' || die "the screenshot $SCREENSHOT is blank (grey level spread $SD)"
echo "screenshot: $SCREENSHOT ($(identify -format '%wx%h' "$SCREENSHOT"), grey level spread $SD)"
NWIN=$(xdotool search --onlyvisible --name 'petcognizer' 2>/dev/null | wc -l)
[ "$NWIN" = 1 ] || die "$NWIN petcognizer windows (the engine child must not open a second one)"
# 0.3 s after the window shows, it starts its engine: a multiprocessing spawn child, which in
# this build is the same executable, and which loads torch ('warm' job)
ENGINE=
for _ in $(seq 120); do
    for child in $(pgrep -P "$APP_PID"); do
        if tr '\0' ' ' <"/proc/$child/cmdline" | grep -q multiprocessing \
            && grep -q libtorch_cpu "/proc/$child/maps" 2>/dev/null; then ENGINE=$child; fi
    done
    [ -n "$ENGINE" ] && break
    sleep 0.5
done
[ -n "$ENGINE" ] || { cat "$WORK/app.log" >&2; die "the window's engine process did not start or did not load torch within 60 s"; }
echo "engine process $ENGINE loaded torch: $(tr '\0' ' ' <"/proc/$ENGINE/cmdline" | cut -c1-120)"
kill -0 "$APP_PID" 2>/dev/null || die "the app died after showing its window"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=
say "ok: $APP starts without Python and shows its start page"
