"""Load test (`make load`): gunicorn on 127.0.0.1 with the demo data, driven by
concurrent simulated users for a bounded time; prints requests per second,
p50/p95/p99 latency and errors.

Users (each its own session, signed in during a warm-up that is reported apart,
then pausing 1–3 s before each request): officers receive a dossier, hand it on
and return a ready one; specialists hand on what is in their queue; auditors
answer checklist items of the audit in progress; the chairman opens the dashboard
and signs off a dossier of the leader's queue; officers then mark it ready and
return it. The server runs in production mode as behind its TLS proxy (the
proxy's header is sent). Only loopback addresses; every loop is bounded.
"""

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.version import code_version  # noqa: E402 (after the path is set)

DATA = ROOT / "bench" / "data"
PASSWORD = "demo1234"
HOST = "127.0.0.1"
TARGET_P95_MS = 300
WARM_UP = 20  # seconds before the measured window: users arrive and sign in
# who the simulated users are, out of every 10
MIX = ["officer"] * 4 + ["specialist"] * 3 + ["auditor"] + ["chairman"] * 2


class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the production site's Secure cookies over the loopback, where the
    simulated proxy header stands for TLS."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Session:
    """One signed-in browser: cookies, the CSRF token, and a record of each request."""

    def __init__(self, base: str, results: list, lock: threading.Lock) -> None:
        self.base, self.results, self.lock = base, results, lock
        self.think = lambda: None  # the pause before each request, once at work
        self.until = float("inf")  # no request starts after this
        self.cookies = http.cookiejar.CookieJar(policy=LoopbackPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def request(self, kind: str, path: str, data: dict | None = None, htmx: bool = False) -> str:
        self.think()
        if time.monotonic() >= self.until:
            return ""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("X-Forwarded-Proto", "https")  # as the TLS proxy in front says
        if body is not None:
            request.add_header("X-CSRFToken", self.csrf())
            request.add_header("Referer", self.base.replace("http:", "https:", 1) + path)
        if htmx:
            request.add_header("HX-Request", "true")
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                text, status = response.read().decode(), response.status
        except urllib.error.HTTPError as error:
            text, status = "", error.code
        except OSError:
            text, status = "", 0
        with self.lock:
            self.results.append((kind, status, (time.perf_counter() - started) * 1000))
        return text

    def sign_in(self, username: str) -> None:
        self.request("sign-in", "/dang-nhap/")
        self.request("sign-in", "/dang-nhap/", {"username": username, "password": PASSWORD})


CODE = re.compile(r"/ho-so/([A-Z][A-Z0-9]*-\d{6}-\d{4,})/")  # dossier codes in links


def officer(session: Session, rng: random.Random) -> None:
    session.request("receive form", "/ho-so/tiep-nhan/")
    page = session.request(
        "receive",
        "/ho-so/tiep-nhan/",
        {
            "procedure": rng.choice(["QT-TP-01", "QT-TP-02", "QT-CT-01", "QT-CT-02"]),
            "applicant_name": "Người Thử Tải",
            "channel": "direct",
            "documents_count": "1",
            "decision": "accept",
        },
    )
    codes = CODE.findall(page)
    if codes:
        session.request("hand on", f"/ho-so/{codes[0]}/hand_on/", {})
    back = CODE.findall(session.request("queue", "/ho-so/cho-xu-ly/"))
    if back:  # back at the desk after the leader's signature: the result is ready
        session.request("complete", f"/ho-so/{rng.choice(back[:10])}/complete/", {})
    ready = CODE.findall(session.request("dossier list", "/ho-so/?worklist=ready"))
    if ready:
        session.request("return", f"/ho-so/{ready[0]}/return/", {"return-rating": "satisfied"})


def specialist(session: Session, rng: random.Random) -> None:
    queue = CODE.findall(session.request("queue", "/ho-so/cho-xu-ly/"))
    if queue:
        code = rng.choice(queue[:10])
        session.request("dossier", f"/ho-so/{code}/")
        session.request("hand on", f"/ho-so/{code}/hand_on/", {})


def auditor(session: Session, rng: random.Random) -> None:
    mine = session.request("my audits", "/danh-gia/cua-toi/")
    audits = re.findall(r"/danh-gia/(\d+)/kiem-tra/", mine)
    if audits:
        checklist = session.request("checklist", f"/danh-gia/{audits[0]}/kiem-tra/")
        items = re.findall(r"/danh-gia/muc/(\d+)/", checklist)
        if items:
            item = rng.choice(items)
            session.request(
                "answer item",
                f"/danh-gia/muc/{item}/",
                {f"item-{item}-result": "conforming", f"item-{item}-evidence": "Đã kiểm tra"},
                htmx=True,
            )


def chairman(session: Session, rng: random.Random) -> None:
    session.request("dashboard", "/")
    queue = CODE.findall(session.request("queue", "/ho-so/cho-xu-ly/"))
    if queue:  # the leader's step: sign off and hand back to the desk
        session.request("hand on", f"/ho-so/{rng.choice(queue[:10])}/hand_on/", {})


WORK = {"officer": officer, "specialist": specialist, "auditor": auditor, "chairman": chairman}
ACCOUNTS = {
    "officer": "motcua",
    "specialist": "chuyenvien",
    "auditor": "danhgia",
    "chairman": "chutich",
}


def user(role: str, base: str, start: float, until: float, sign_ins: list, results: list,
         lock, seed: int) -> None:  # fmt: skip
    """Signs in during the warm-up (a working day starts signed in: a burst of 50
    password hashes in a few seconds is not the load being measured, and is
    reported apart), then works from `start` to `until`, pausing 1–3 s before
    each request as a person reads the page and clicks or types."""
    rng = random.Random(seed)
    time.sleep(rng.uniform(0, WARM_UP / 2))  # users arrive over the warm-up
    session = Session(base, sign_ins, lock)
    session.sign_in(ACCOUNTS[role])
    session.results, session.until = results, until  # measured from here on
    session.think = lambda: time.sleep(rng.uniform(1, 3))
    time.sleep(max(0.0, start - time.monotonic()))
    while time.monotonic() < until:  # bounded by the run's end
        WORK[role](session, rng)


def database(env: dict) -> None:  # seed_demo runs in development mode only
    """A fresh copy of the demo database for this run (the template is made once)."""
    # rebuilt whenever the code that shapes the demo changes
    template, live = DATA / f"load-template-{code_version()}.sqlite3", DATA / "load.sqlite3"
    if not template.exists():
        quiet = {"stdout": subprocess.DEVNULL}
        manage = [sys.executable, "manage.py"]
        seed_env = {**env, "DATABASE_URL": f"sqlite:///{template}"}
        subprocess.run([*manage, "migrate", "-v0"], env=seed_env, check=True, cwd=ROOT, **quiet)
        subprocess.run([*manage, "seed_demo"], env=seed_env, check=True, cwd=ROOT, **quiet)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, live)


def wait_until_up(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            probe = urllib.request.Request(base + "/dang-nhap/")
            probe.add_header("X-Forwarded-Proto", "https")
            urllib.request.urlopen(probe, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer on " + base)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4)
    options = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    database(
        {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{DATA / 'load.sqlite3'}"}
    )
    # the server in production mode, as deployed behind a TLS proxy
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-test-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{DATA / 'load.sqlite3'}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT,
        check=True,
    )  # fmt: skip
    base = f"http://{HOST}:{options.port}"
    log = open(DATA / "load-server.log", "w")  # noqa: SIM115 (closed after the run)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "qms.wsgi", "--bind", f"{HOST}:{options.port}",
         "--workers", str(options.workers), "--worker-class", "gthread",
         "--threads", str(options.threads),
         "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        wait_until_up(base)
        sign_ins: list = []
        results: list = []
        lock = threading.Lock()
        start = time.monotonic() + WARM_UP
        until = start + options.seconds
        threads = [
            threading.Thread(
                target=user,
                args=(MIX[n % len(MIX)], base, start, until, sign_ins, results, lock, n),
                daemon=True,
            )
            for n in range(options.users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=WARM_UP + options.seconds + 60)
        elapsed = time.monotonic() - start
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    report(results, sign_ins, elapsed, options)
    print(f"server log: {DATA / 'load-server.log'}")


def report(results: list, sign_ins: list, elapsed: float, options) -> None:
    times = [ms for _kind, _status, ms in results]
    errors = Counter(
        f"{kind} → {status}" for kind, status, _ms in results + sign_ins if not 200 <= status < 400
    )
    signing_in = [ms for _kind, _status, ms in sign_ins]
    print(
        f"warm-up: {options.users} users signed in over {WARM_UP // 2} s "
        f"(sign-in p50 {percentile(signing_in, 0.5):.0f} ms, "
        f"p95 {percentile(signing_in, 0.95):.0f} ms; not in the figures below)"
    )
    p95 = percentile(times, 0.95)
    print(f"{options.users} users for {options.seconds} s on SQLite (gunicorn, {HOST})")
    print(f"requests: {len(results)}, {len(results) / elapsed:.1f} per second")
    print(
        f"latency: p50 {percentile(times, 0.50):.0f} ms, p95 {p95:.0f} ms, "
        f"p99 {percentile(times, 0.99):.0f} ms, max {max(times):.0f} ms"
    )
    for kind in sorted({kind for kind, _s, _ms in results}):
        mine = [ms for k, _s, ms in results if k == kind]
        print(f"  {kind:<14} {len(mine):>6}  median {statistics.median(mine):6.0f} ms")
    print(f"errors: {sum(errors.values())}" + "".join(f"\n  {e}: {n}" for e, n in errors.items()))
    met = not errors and p95 < TARGET_P95_MS
    print(f"target (0 errors, p95 < {TARGET_P95_MS} ms): {'met' if met else 'MISSED'}")


if __name__ == "__main__":
    main()
