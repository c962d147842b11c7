"""`python -m generator`: the command line."""

import signal
import sys


def run() -> None:
    # Until the command line takes over Ctrl-C (cli.main, which then stops cleanly), an
    # interrupt while the modules load just ends the process: nothing has been written yet,
    # and a traceback of the import machinery helps nobody. (An ignored SIGINT, as in a
    # background job, stays ignored.)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    from generator.cli import main

    sys.exit(main())


if __name__ == "__main__":  # not when a worker started by spawn imports it as __mp_main__
    run()
