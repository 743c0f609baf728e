"""The frozen app's entry point: `ver_desktop.cli:main`, after letting multiprocessing's
spawned workers (the scan's decoding pool) take over when this executable is started as one.
"""

import multiprocessing
import sys

from ver_desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
