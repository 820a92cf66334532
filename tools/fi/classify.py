"""The outcome of one run, decided from its serial log, how it ended and the check from outside.

The classes (docs/fault-injection.md), from the best to the worst:

  not-activated         the mutated instruction never ran (and the result is right)
  no-effect             it ran; nothing was detected and the result is right
  recovered             Arc detected the failure, restarted, and the result is right
  not-recovered         Arc detected it, but the result is wrong or the server was stopped
  undetected            nothing detected, the result is wrong (the rest of the system answers)
  hang                  the system stopped answering (the shell did not echo)
  kernel-crash          a kernel panic or kernel exception, or another server's failure
                        (isolation break)

A run is "effective" when the fault had an effect: every class but the first two.
"""

import re

OUTCOMES = ["not-activated", "no-effect", "recovered", "not-recovered", "undetected", "hang",
            "kernel-crash"]
EFFECTIVE = OUTCOMES[2:]
DETECTED = ["recovered", "not-recovered"]

# Lines are matched anywhere, not only at their start: output of several processes shares the
# serial line, so a report may follow the shell's prompt ("msh> [pager] ...").
KERNEL_DEAD = [re.compile(r) for r in (r"KERNEL PANIC", r"\[arc\] panic")]


def parse(text, server, client, dependents=()):
    """Facts of one serial log about the mutated server. dependents: the processes that use it
    (the workload's client among them), whose failures are effects of the fault, not isolation
    breaks."""
    lines = [l.rstrip("\r") for l in text.split("\n")]
    s = re.escape(server)
    facts = {
        "armed": False, "activated": False, "refused": False, "restarts": [], "hung": 0,
        "stopped": False, "exhausted": False, "kernel": None, "others": [], "client_status": None,
        "restart_cycles": [],
    }
    armed = re.compile(r"\[pager\] %s \(pid [0-9]+\): fault armed at [0-9a-f]+ " % s)
    activated = re.compile(r"\[pager\] %s \(pid [0-9]+\): fault at [0-9a-f]+ activated" % s)
    refused = re.compile(r"\[pager\] %s \(pid [0-9]+\): fault at [0-9a-f]+ refused" % s)
    restart = re.compile(r"\[monitor\] %s \(pid [0-9]+\): (?P<cause>.+?) at [0-9a-f]+ ip [0-9a-f]+; "
                         r"(?P<kind>hot|warm|swap|cold|group) restart #[0-9]+" % s)
    done = re.compile(r"\[monitor\] %s \(pid [0-9]+\): (hot|warm|swap|cold|group) restart done in "
                      r"([0-9]+) cycles" % s)
    hung = re.compile(r"\[monitor\] %s \(pid [0-9]+\): no message taken for" % s)
    stopped = re.compile(r"\[monitor\] %s(: stopped| \(pid [0-9]+\): .*(stopped|exhausted))" % s)
    # Another process's failure: a monitor decision, a pager's report of a crash, or a thread
    # the kernel stopped.
    other = re.compile(r"\[monitor\] (?P<name>[a-z0-9_-]+) \(pid [0-9]+\): (?!connected|restarted with)"
                       r".* at [0-9a-f]+ ip [0-9a-f]+; ")
    client_exit = re.compile(r"\[pager\] %s \(pid [0-9]+\) exited with status (-?[0-9]+)" % re.escape(client))
    for line in lines:
        if armed.search(line):
            facts["armed"] = True
        elif activated.search(line):
            facts["activated"] = True
        elif refused.search(line):
            facts["refused"] = True
        m = restart.search(line)
        if m:
            facts["restarts"].append({"cause": m.group("cause"), "kind": m.group("kind")})
        m = done.search(line)
        if m:
            facts["restart_cycles"].append(int(m.group(2)))
        if hung.search(line):
            facts["hung"] += 1
        if stopped.search(line):
            facts["stopped"] = True
        m = other.search(line)
        if m and m.group("name") not in (server, client) + tuple(dependents):
            facts["others"].append(line)
        for k in KERNEL_DEAD:
            if k.search(line) and not facts["kernel"]:
                facts["kernel"] = line
        m = client_exit.search(line)
        if m:
            facts["client_status"] = int(m.group(1))
    return facts


def classify(facts, ended, result_ok, alive):
    """ended: 'done' (the client exited), 'stopped' (the monitor stopped the server: the run
    can only end badly), 'timeout', 'qemu-exit' or 'kernel'; result_ok: the outside check
    passed; alive: the shell answered after a timeout or a stop (None: not asked). Returns
    (outcome, reason)."""
    if facts["kernel"]:
        return "kernel-crash", facts["kernel"]
    if facts["others"]:
        return "kernel-crash", "isolation: " + facts["others"][0]
    if ended == "qemu-exit":
        return "kernel-crash", "QEMU ended before the workload (reset or exit)"
    if ended in ("timeout", "stopped") and alive is False:
        return "hang", "the shell did not answer after the %s" % ("timeout" if ended == "timeout" else "stop")
    detected = bool(facts["restarts"]) or facts["stopped"]
    good = ended == "done" and result_ok and facts["client_status"] == 0
    if not facts["activated"]:
        # Never executed: the result must be right; a wrong one would be a fault outside the
        # mutation (a flaky run), which is reported, never hidden.
        if good and not detected:
            return "not-activated", "the site never ran"
        return ("not-recovered" if detected else "undetected"), "not activated, yet the run failed"
    if detected:
        if good and not facts["stopped"]:
            return "recovered", "%d restart(s): %s" % (
                len(facts["restarts"]), ", ".join(r["kind"] for r in facts["restarts"]))
        return "not-recovered", "server stopped" if facts["stopped"] else "result wrong after restart"
    if good:
        return "no-effect", "ran, no effect seen"
    if ended == "timeout":
        return "undetected", "the workload did not finish; nothing detected"
    return "undetected", "wrong result, nothing detected"
