"""Arc's fault-injection campaigns (tools/campaign.py): workloads, one run in QEMU, the outcome
classes, and the report. docs/fault-injection.md says how they fit together."""
