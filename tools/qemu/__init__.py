"""Host-side QEMU support shared by the scenario runner (tools/qemu-run.py) and the
fault-injection campaign (tools/fi): the table of targets (targets.py) and the console and
monitor of a running QEMU (console.py)."""
