# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible's linear strategy, waiting for a free worker in the kernel instead of polling."""

from __future__ import annotations

import gc
from multiprocessing.connection import wait

from ansible.plugins.loader import action_loader
from ansible.plugins.strategy.linear import StrategyModule as LinearStrategyModule
from ansible.utils.display import Display

display = Display()

DOCUMENTATION = r"""
name: weibao_linear
short_description: Ansible's linear strategy, without polling for a free worker
description:
  - Runs plays exactly as C(ansible.builtin.linear) does (it is that strategy, subclassed).
  - The one difference is how it waits when every fork is busy. C(linear) checks every worker
    and sleeps 0.1 ms, again and again, until a worker ends; over an inspection of hundreds of
    hosts, whose modules run for seconds, that loop was the largest single cost of the
    controller (about a fifth of its CPU). This strategy sleeps until a worker process ends
    (its sentinel becomes ready), then lets C(linear) queue the task as it always does.
  - Before a task's first worker forks, it does in the main process, once, what every worker
    would otherwise repeat. An action plugin with a C(prepare_controller(loader, args))
    class method gets it called (weibao_inspect parses its roles' variable files there, into
    the loader each worker inherits), and Python's garbage collector is frozen (C(gc.freeze),
    as the Python documentation advises before fork without exec) so that a collection in a
    worker does not touch, and so copy, every page of the main process's objects.
  - weibao's runner selects it for its own runs (C(ANSIBLE_STRATEGY)) on the ansible-core
    releases it was checked against; plain C(ansible-playbook) and AWX keep C(linear), since
    ansible-core 2.19 deprecates strategy plugins from outside ansible.builtin. A play that
    names a strategy keeps it.
author: weibao contributors
"""

# The longest one wait sleeps before looking at the workers again (a worker always wakes it
# by ending; this only bounds how late a termination of the run is noticed).
WAKE_SECONDS = 1.0


class StrategyModule(LinearStrategyModule):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepared: set[str] = set()

    def _queue_task(self, host, task, task_vars, play_context):
        self._wait_for_free_worker()
        if task._uuid not in self._prepared:
            self._prepared.add(task._uuid)
            self._prepare(task)
        super()._queue_task(host, task, task_vars, play_context)

    def _prepare(self, task) -> None:
        """Once per task, in the main process: the action's own preparation, then gc.freeze."""
        try:
            action = action_loader.get(task.action, class_only=True,
                                       collection_list=task.collections)
        except Exception:  # noqa: BLE001 - no plugin (a module) or a templated name: nothing to do
            action = None
        prepare = getattr(action, "prepare_controller", None)
        if prepare is not None:
            try:
                prepare(self._loader, task.args)
            except Exception as exc:  # noqa: BLE001 - each worker meets and reports it itself
                display.vvv(f"weibao_linear: {task.action}: preparation skipped: {exc}")
        gc.freeze()

    def _wait_for_free_worker(self) -> None:
        """Return once a fork is free: a slot never used, or a worker that has ended."""
        workers = self._workers
        while workers and not self._tqm._terminated:
            running = [worker for worker in workers if worker is not None and worker.is_alive()]
            if len(running) < len(workers):
                return
            ready = set(wait([worker.sentinel for worker in running], timeout=WAKE_SECONDS))
            for worker in running:
                if worker.sentinel in ready:
                    # its process has closed its files, so it is ending: wait in the kernel
                    # for the end (waitpid), not in this loop
                    worker.join()
