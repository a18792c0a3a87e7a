#!/usr/bin/env sh
# Install the yeast multi-label data set (2,417 x 103, 14 labels) for its tests: it ships in
# the Debian package r-cran-mlr as an R lazy-load database under $FOLDER. Only that folder is
# needed, not R itself (r-cran-mlr depends on about 600 MB of R packages), so this downloads
# the 5 MB .deb with apt and unpacks just mlr/data/ to its Debian location. Idempotent; a
# later `apt-get install r-cran-mlr` overwrites the same files with the same content.
# Needs root (or sudo) and apt; elsewhere it prints what to do and exits 0, and the yeast
# tests skip.
set -eu

FOLDER=/usr/lib/R/site-library/mlr/data
# Where the files lie inside the .deb.
IN_DEB=usr/lib/R/site-library/mlr/data
if [ -s "$FOLDER/Rdata.rdb" ] && [ -s "$FOLDER/Rdata.rdx" ]; then
    exit 0
fi
NAME=install-yeast
PACKAGE=r-cran-mlr
HINT="put mlr's data/Rdata.rdb and Rdata.rdx in $FOLDER by hand"
. "$(dirname "$0")/apt-setup.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if ! (cd "$WORK" && apt-get download -qq r-cran-mlr >/dev/null 2>&1); then
    echo "install-yeast: apt-get download r-cran-mlr failed; the yeast tests will skip" >&2
    exit 0
fi
dpkg-deb -x "$WORK"/r-cran-mlr_*.deb "$WORK/root"
$SUDO mkdir -p "$FOLDER"
$SUDO cp "$WORK/root/$IN_DEB"/Rdata.* "$FOLDER/"
echo "install-yeast: unpacked the yeast data of r-cran-mlr into $FOLDER"
