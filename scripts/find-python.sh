#!/usr/bin/env bash
# Print the path of a Python >= 3.12 on this machine, or nothing.
# Tries python3.13 / python3.12 / python3 on PATH (a pyenv shim that cannot run is skipped),
# then pyenv's installed 3.13.x / 3.12.x.
set -u

usable() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

for candidate in python3.13 python3.12 python3; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if usable "$path"; then
    # Resolve pyenv shims to the real interpreter so the venv does not depend on the shim.
    real=$("$path" -c 'import sys; print(sys.executable)' 2>/dev/null)
    echo "${real:-$path}"
    exit 0
  fi
done

if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for version in $(ls -1 "$root/versions" 2>/dev/null | grep -E '^3\.1[23]\.[0-9]+$' | sort -rV); do
    for exe in "$root/versions/$version/bin/python3" "$root/versions/$version/bin/python${version%.*}"; do
      if [ -x "$exe" ] && usable "$exe"; then
        echo "$exe"
        exit 0
      fi
    done
  done
fi
exit 1
