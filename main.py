"""党员积分管理: `python main.py` opens the window; `python main.py VERB ...` runs headless."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from app.cli.commands import build_parser, run

    parser, handlers = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    from app.services.backup.restore import clean_interrupted_work

    clean_interrupted_work(args.db)  # what a restore or backup cut off last time left behind
    if args.verb is None:
        from app.services.startup import NO_WINDOW_EXIT, display_problem

        problem = display_problem()  # before Qt, which aborts without a display
        if problem:
            print(problem, file=sys.stderr)
            return NO_WINDOW_EXIT
        from app.ui.app import run_gui

        return run_gui(db_path=args.db, operator=args.operator)
    return run(args, handlers)


if __name__ == "__main__":
    sys.exit(main())
