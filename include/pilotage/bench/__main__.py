from pilotage.bench.cli import main

raise SystemExit(main())
