#!/usr/bin/env python
from nashr.cli import main

if __name__ == "__main__":
    main()
