from ver_desktop.cli import main

raise SystemExit(main())
