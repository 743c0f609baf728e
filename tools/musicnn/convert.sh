#!/usr/bin/env bash
# One-off conversion of one of musicnn's TF1 checkpoints to ONNX, with its reference data.
#
#   tools/musicnn/convert.sh [convert.py options, e.g. --audio a.opus b.mp3]
#   tools/musicnn/convert.sh --checkpoint MTT_musicnn
#
# Builds a throwaway environment (TensorFlow, ~1 GB) in $MUSICNN_CONVERT_ENV, by default
# tools/musicnn/.convert-env (git-ignored), then writes, for --checkpoint MSD_musicnn (the
# default), resources/encoders/musicnn-msd/ (model.onnx, encoder.json, LICENSE) and
# tests/data/musicnn_reference.npz; for --checkpoint MTT_musicnn, resources/encoders/musicnn-mtt/
# and tests/data/musicnn_mtt_reference.npz.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ENV_DIR="${MUSICNN_CONVERT_ENV:-$HERE/.convert-env}"
PYTHON="${PYTHON:-python3.11}"  # TF 2.15 has wheels for Python 3.9 to 3.11

if [ ! -x "$ENV_DIR/bin/python" ]; then
    "$PYTHON" -m venv "$ENV_DIR"
fi
"$ENV_DIR/bin/pip" install --quiet -r "$HERE/requirements.txt"
"$ENV_DIR/bin/pip" install --quiet --no-deps musicnn==0.1.0

cd "$REPO"
# TF's C++ logging is noise here; one thread keeps the TF-vs-ONNX comparison deterministic.
TF_CPP_MIN_LOG_LEVEL=2 OMP_NUM_THREADS=1 "$ENV_DIR/bin/python" "$HERE/convert.py" "$@"
