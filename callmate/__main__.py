from callmate.cli import main

raise SystemExit(main())
