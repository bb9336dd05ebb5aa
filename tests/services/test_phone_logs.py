"""The phone's logs never carry what an exception's message holds (names, phone numbers)."""

from __future__ import annotations

import logging
import subprocess
import sys

from tests.services.serverproc import REPO


def test_a_logged_exception_keeps_its_type_and_place_but_not_its_message(capsys):
    from services.failures import MessageFreeFormatter

    logger = logging.getLogger("xianglin.test.phone_logs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MessageFreeFormatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            try:
                raise KeyError("13812345678")
            except KeyError as inner:
                raise ValueError("王芳 住 1栋2单元101室") from inner
        except ValueError:
            logger.exception("saving a resident failed")
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert "saving a resident failed" in err
    assert "ValueError at test_phone_logs.py:" in err
    assert "caused by KeyError" in err
    assert "王芳" not in err and "13812345678" not in err and "101室" not in err


def test_the_app_entry_installs_the_message_free_handler():
    # The entry point configures logging before anything can log; run it in a child so the
    # test process's own logging is untouched.
    code = (
        "import logging, app.__main__ as m\n"
        "from services.failures import configure_phone_logging, MessageFreeFormatter\n"
        "assert 'configure_phone_logging' in m.run.__code__.co_names\n"
        "configure_phone_logging()\n"
        "log = logging.getLogger('app.screens.member')\n"
        "try:\n"
        "    raise RuntimeError('13812345678')\n"
        "except RuntimeError:\n"
        "    log.exception('revealing a number failed')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "revealing a number failed" in done.stderr
    assert "RuntimeError at <string>:" in done.stderr
    assert "13812345678" not in done.stderr
