#!/usr/bin/env bash
# Prints the path of a Python >= 3.12: first on PATH, then among pyenv's installed versions
# (pyenv's shims answer "command not found" unless PYENV_VERSION names the version).
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for name in python3.12 python3.13 python3; do
  p=$(command -v "$name" 2>/dev/null) || continue
  if ok "$p"; then echo "$p"; exit 0; fi
done
root=${PYENV_ROOT:-$HOME/.pyenv}
if [ -d "$root/versions" ]; then
  for d in $(ls -1 "$root/versions" | grep -E '^3\.(1[2-9])(\.[0-9]+)?$' | sort -V); do
    p="$root/versions/$d/bin/python3"
    if ok "$p"; then echo "$p"; exit 0; fi
  done
fi
echo "No Python >= 3.12 found. Install one (e.g. 'apt-get install python3.12 python3.12-venv'" \
     "or 'pyenv install 3.12'), then run make again." >&2
exit 1
