#!/usr/bin/env bash
# Installs the Debian packages the service needs: LibreOffice (DOCX -> PDF), fonts
# (Latin, Arabic), poppler (pdftoppm/pdftotext for checks), ocrmypdf with Tesseract's English,
# Spanish and Arabic packs (the text of paper scans, for search) and, with --browser, chromium for
# the browser tests. As root it runs apt-get; otherwise it says what to install.
set -euo pipefail
pkgs=(python3-venv libreoffice-writer-nogui python3-uno fonts-dejavu fonts-noto-core fonts-liberation2 poppler-utils
  ocrmypdf tesseract-ocr-eng tesseract-ocr-spa tesseract-ocr-ara)
if [[ "${1:-}" == "--browser" ]]; then
  pkgs+=(chromium)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "forms-service needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
