#!/usr/bin/env bash
# Installs the peer engines used by bench/run.py --peers into $ASL_PEERS_DIR (default: ~/.cache/asl-peers).
#   moto[stepfunctions] >= 5.2.5 in a venv (LocalStack's ASL engine as ported into moto)
#   aws-local-stepfunctions (npm) and @wmfs/statebox (npm)
set -euo pipefail
dir=${ASL_PEERS_DIR:-$HOME/.cache/asl-peers}
mkdir -p "$dir"
[ -x "$dir/venv/bin/python" ] || python3 -m venv "$dir/venv"
"$dir/venv/bin/pip" install -q --upgrade pip
"$dir/venv/bin/pip" install -q "moto[stepfunctions]>=5.2.5"
mkdir -p "$dir/node"
cd "$dir/node"
[ -f package.json ] || npm init -y >/dev/null
npm install --silent aws-local-stepfunctions @wmfs/statebox
echo "peers installed in $dir; now: ASL_PEERS_DIR=$dir python bench/run.py --peers"
