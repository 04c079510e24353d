import os
import signal
import time

from indexer.workers import DIED, DONE, TIMEOUT, TaskLimits, supervised


def work(item: str, progress) -> str:  # noqa: ANN001
    """Real work of every kind a file can cause: quick, endless, fatal, greedy, long but moving."""
    if item == "hang":
        time.sleep(60)
    elif item == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    elif item == "greedy":
        try:
            bytearray(2 * 2**30)
        except MemoryError:
            return "memory refused"
    elif item == "pages":
        for _ in range(6):
            time.sleep(0.3)
            progress()
    return f"{item}:{os.getpid()}"


def run(items: list[str], **limits: object) -> dict[str, tuple[str, object]]:
    limits = {"seconds": 1.0, **limits}
    return {f.item: (f.state, f.result)
            for f in supervised(work, items, 2, TaskLimits(**limits))}


def test_every_item_comes_back_done() -> None:
    results = run([f"file{n}" for n in range(10)])
    assert {state for state, _ in results.values()} == {DONE}
    assert len({result.split(":")[1] for _, result in results.values()}) <= 2  # workers reused


def test_a_hanging_task_is_killed_and_the_rest_go_on() -> None:
    began = time.monotonic()
    results = run(["a", "hang", "b", "c", "d"])
    assert results["hang"] == (TIMEOUT, None)
    assert all(results[k][0] == DONE for k in "abcd")
    assert time.monotonic() - began < 10


def test_a_worker_killed_mid_task_is_reported_and_replaced() -> None:
    results = run(["a", "crash", "b", "crash2", "c"])
    assert results["crash"] == (DIED, None)
    assert all(results[k][0] == DONE for k in ("a", "b", "c", "crash2"))


def test_memory_limit_makes_allocation_fail_in_the_worker() -> None:
    results = run(["greedy", "a"], memory_bytes=1 * 2**30)
    assert results["greedy"] == (DONE, "memory refused")
    assert results["a"][0] == DONE


def test_progress_moves_the_deadline_but_not_past_the_maximum() -> None:
    assert run(["pages"], seconds=1.0)["pages"][0] == DONE  # 1.8 s in all, 0.3 s between pages
    assert run(["pages"], seconds=1.0, max_seconds=1.0)["pages"][0] == TIMEOUT


def test_stopping_early_leaves_no_worker_behind() -> None:
    import multiprocessing

    results = supervised(work, ["a", "hang", "b"], 2, TaskLimits(seconds=30))
    next(results)
    results.close()
    time.sleep(0.2)
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_an_idle_worker_killed_from_outside_is_replaced() -> None:
    import multiprocessing

    def items():  # noqa: ANN202
        yield "a"
        time.sleep(0.3)  # both workers are idle now; one of them is killed (say by the OOM killer)
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)
            break
        time.sleep(0.3)
        yield from ("b", "c", "d")

    results = {f.item: f.state for f in supervised(work, items(), 2, TaskLimits(seconds=5))}
    assert results == dict.fromkeys("abcd", DONE)


RUN_THEN_WAIT = """
import sys, time
sys.path.insert(0, {root!r})
from indexer.workers import TaskLimits, supervised
from tests.indexer.test_workers import work

results = supervised(work, ["a", "b", "c", "d"], 2, TaskLimits(seconds=30))
for _ in range(3):
    print(next(results).result.split(":")[1], flush=True)  # a worker's pid
time.sleep(600)  # the run goes on, holding its workers
"""


def _alive(pid: int) -> bool:
    try:
        state = next(line for line in open(f"/proc/{pid}/status")  # noqa: SIM115
                     if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "Z" not in state.split()[1]  # a zombie has exited


def test_workers_exit_when_their_run_is_killed_outright() -> None:
    """SIGKILL of the run alone (not its process group): its idle workers do not stay."""
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    run = subprocess.Popen([sys.executable, "-c", RUN_THEN_WAIT.format(root=root)],
                           stdout=subprocess.PIPE, text=True, cwd=root)
    try:
        pids = {int(run.stdout.readline()) for _ in range(3)}
        assert pids and all(_alive(p) for p in pids)
    finally:
        run.kill()
        run.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids)


def hoard(item: str, progress) -> str:  # noqa: ANN001
    """Keeps what it touched (as a library's cache would): ``hoard:N`` holds N MB more."""
    if item.startswith("hoard:"):
        _kept.append(bytearray(os.urandom(1)) * (int(item.split(":")[1]) * 2**20))
        time.sleep(1.2)  # long enough for the supervisor to look
    return f"{item}@{os.getpid()}"


_kept: list[bytearray] = []


def test_a_worker_over_its_resident_budget_is_stopped_mid_task() -> None:
    from indexer.workers import MEMORY

    limits = TaskLimits(seconds=10, resident_bytes=300 * 2**20)
    results = {f.item: f for f in supervised(hoard, ["hoard:400", "a"], 1, limits)}
    assert results["hoard:400"].state == MEMORY
    assert results["a"].state == DONE


def test_a_worker_left_bloated_after_a_task_is_replaced() -> None:
    limits = TaskLimits(seconds=10, resident_bytes=400 * 2**20)  # 320 MB kept: above 3/4 of it
    results = {f.item: f.result for f in supervised(hoard, ["hoard:320", "a", "b"], 1, limits)}
    pids = {item: result.split("@")[1] for item, result in results.items()}
    assert pids["hoard:320"] != pids["a"] == pids["b"]
