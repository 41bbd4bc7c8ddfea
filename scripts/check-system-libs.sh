#!/usr/bin/env bash
# WeasyPrint needs Pango (and HarfBuzz subsetting) from the system, and fonts that cover Arabic.
# Say exactly what to install instead of failing obscurely at the first report build.
set -u
py=${1:-.venv/bin/python}
missing=()
if ! "$py" -c 'import weasyprint' >/dev/null 2>&1; then
  missing+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
fi
if command -v fc-list >/dev/null 2>&1; then
  fc-list : family | grep -qi 'dejavu sans' || missing+=(fonts-dejavu-core)
  fc-list :lang=ar family | grep -qi 'naskh\|dejavu' || missing+=(fonts-noto-core)
else
  missing+=(fontconfig fonts-dejavu-core fonts-noto-core)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "The PDF report renderer (WeasyPrint) needs system packages that are missing. Install them with:"
  echo "  sudo apt-get install -y ${missing[*]}"
  exit 1
fi
