#!/usr/bin/env sh
# Install Fashion-MNIST from the Debian package dataset-fashion-mnist (files under
# /usr/share/datasets/fashion-mnist) for the tests that train or load it. Idempotent: does
# nothing when the four IDX files are already there. Needs root (or sudo) and apt; on other
# systems it prints what to install and exits 0, and those tests skip (or fail under CI=true).
set -eu

FOLDER=/usr/share/datasets/fashion-mnist
have_files() {
    for stem in train-images-idx3-ubyte train-labels-idx1-ubyte \
        t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
        if [ ! -s "$FOLDER/$stem.gz" ] && [ ! -s "$FOLDER/$stem" ]; then
            return 1
        fi
    done
    return 0
}

if have_files; then
    exit 0
fi
NAME=install-fashion-mnist
PACKAGE=dataset-fashion-mnist
HINT="put the Fashion-MNIST IDX files in $FOLDER by hand (the Fashion-MNIST tests are skipped without them)"
. "$(dirname "$0")/apt-setup.sh"
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    dataset-fashion-mnist >/dev/null; then
    echo "install-fashion-mnist: apt-get install dataset-fashion-mnist failed; the Fashion-MNIST tests will skip" >&2
    exit 0
fi
if have_files; then
    echo "install-fashion-mnist: installed Fashion-MNIST under $FOLDER"
else
    echo "install-fashion-mnist: dataset-fashion-mnist installed but $FOLDER lacks the IDX files" >&2
fi
