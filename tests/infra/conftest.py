"""Run the `ray up`/`ray down` end-to-end test last.

`ray up` and `ray down` run `ray stop` on the head node (this machine). infra/setup_local_ssh.sh
confines that to a private PID namespace, but where it cannot (no `unshare`, or an existing
system sshd is used) `ray stop` would kill any Ray instance other tests still hold; running the
launcher test after everything else makes that harmless.
"""


def pytest_collection_modifyitems(session, config, items):
    last = [item for item in items if item.path.name == "test_ray_submit.py" and item.path.parent.name == "infra"]
    if last:
        items[:] = [item for item in items if item not in last] + last
