#!/usr/bin/env python
import sys

from xinye.cli import main

if __name__ == "__main__":
    main(sys.argv[1:])
