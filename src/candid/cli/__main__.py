import sys

from candid.cli import main

sys.exit(main())
