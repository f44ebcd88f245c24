//! The scheduler seen from JS: timers, promise jobs, tasks, the EventEmitter, failures, balancing
//! and exit-when-idle. Every run must end by itself (see common::LIMIT).

mod common;

use common::{example, nexus, nexus_fixture, tool};

/// The value of a `--stats` line such as `  threads started: 2`.
fn stat(stderr: &str, name: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix(name)?
                .strip_prefix(": ")?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no `{name}` in stats:\n{stderr}"))
}

#[test]
fn emitter_example_runs_unchanged() {
    let run = nexus(&[&example("emitter.js")]);
    let mut expected = String::new();
    for payload in ["test 1", "test 2"] {
        for i in 0..4 {
            expected += &format!("fired test {i}!\n{{ payload: '{payload}' }}\n");
        }
        expected += if payload == "test 1" {
            "first test done!\n"
        } else {
            "second test done!\n"
        };
    }
    expected += "third test done, returned values are:\n[ '10', '11', '12', '13' ]\n";
    run.assert_clean(&expected);
}

#[test]
fn scheduler_counter_example_is_exact() {
    let run = nexus(&["--stats", &example("scheduler_counter.js")]);
    assert_eq!(
        run.stdout,
        format!("counter=100000 tasks=100000 threads<={}\n", cores())
    );
    assert_eq!(run.code, 0);
    assert!(stat(&run.stderr, "realm 0 JS tasks") >= 100_000);
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[test]
fn timers_order_clear_and_nest() {
    let run = nexus_fixture("scheduler/timers.js", &[]);
    run.assert_clean("sync,micro,promise,immediate,t0 x y,iv1,iv2,iv3,t100,nested\n");
}

#[test]
fn timers_on_many_slab_pages_clear_exactly_and_stale_ids_miss() {
    let run = nexus_fixture("scheduler/timer_slab.js", &[]);
    assert_eq!(
        run.stdout, "first: 3333 fired\nsecond: 5000 fired\n",
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 0);
}

#[test]
fn intervals_never_tick_early_and_stop_when_cleared() {
    let run = nexus_fixture("scheduler/interval_grid.js", &[]);
    assert_eq!(
        run.stdout, "on time\nticks after clearInterval: 0\n",
        "{}",
        run.stderr
    );
}

#[test]
fn a_hundred_thousand_promises_settle() {
    let run = nexus_fixture("scheduler/promises.js", &[]);
    assert_eq!(run.stdout, "100000 4999950000\n");
    assert_eq!(run.code, 0);
}

#[test]
fn emitter_once_many_off_and_rejection() {
    let run = nexus_fixture("scheduler/emitter_errors.js", &[]);
    assert_eq!(
        run.stdout,
        "[2,101,\"m\"]\n[4,\"m\"]\n[6]\n[]\nrejected: handler failed\non:1 once:1 many:1 on:2 many:2 on:3\nfirst second first added 3\njob first failed second\n"
    );
    assert_eq!(run.code, 0);
}

#[test]
fn each_task_runs_its_promise_jobs_before_the_next() {
    let run = nexus_fixture("scheduler/tasks.js", &[]);
    assert_eq!(
        run.stdout,
        "after emit h1:7:true:1 job1 h2:7 job2 immediate:2:a,b immediate:0 next task\n"
    );
    assert!(
        run.stderr
            .starts_with("error: Uncaught Error: task failed\n"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
}

#[test]
fn queue_microtask_bursts_keep_order_with_promise_jobs() {
    let run = nexus_fixture("scheduler/microtasks.js", &[]);
    assert_eq!(run.stdout, "200000 true true 0 false\n", "{}", run.stderr);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn promise_jobs_keep_their_order_through_a_long_burst() {
    let run = nexus_fixture("scheduler/job_order.js", &[]);
    assert_eq!(run.stdout, "30001 true\n", "{}", run.stderr);
    assert_eq!(run.code, 1);
    // The report names the program's frames, not the runtime's (nexus:jobs runs the job).
    assert!(
        run.stderr
            .starts_with("error: Uncaught (in promise) Error: after an await\n    at failLater ("),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("nexus:"), "{}", run.stderr);
}

#[test]
fn queued_tasks_keep_their_order_across_the_queue_chunks() {
    nexus_fixture("scheduler/task_chunks.js", &[]).assert_clean("7671 true\nsecond burst 2500\n");
}

#[test]
fn the_job_queue_keeps_nothing_alive_once_a_job_ran() {
    let file = common::fixture("scheduler/job_values.js");
    nexus(&["--expose-gc", file.to_str().unwrap()]).assert_clean("released\n");
}

#[test]
fn garbage_is_collected_while_the_program_idles() {
    let run = nexus_fixture("scheduler/idle_gc.js", &[]);
    assert_eq!(run.stdout, "collected while idle\n", "{}", run.stderr);
    assert_eq!(run.code, 0);
}

#[test]
fn expose_gc_defines_a_gc_that_collects_before_it_returns() {
    let file = common::fixture("scheduler/expose_gc.js");
    let run = nexus(&["--expose-gc", file.to_str().unwrap()]);
    assert_eq!(run.stdout, "1000 of 1000 collected\n", "{}", run.stderr);
    assert_eq!(run.code, 0);
    let run = nexus_fixture("scheduler/expose_gc.js", &[]);
    assert_eq!(run.stdout, "no gc(): undefined\n", "{}", run.stderr);
}

#[test]
fn garbage_is_collected_while_the_program_is_quiet() {
    let run = nexus_fixture("scheduler/quiet_gc.js", &[]);
    assert_eq!(run.stdout, "collected while quiet\n", "{}", run.stderr);
    assert_eq!(run.code, 0);
}

#[test]
fn a_rejection_that_queues_no_job_is_still_reported() {
    let run = nexus_fixture("scheduler/lonely_rejection.js", &[]);
    assert_eq!(run.stdout, "after reject\nlater timer\n");
    assert!(
        run.stderr
            .starts_with("error: Uncaught (in promise) Error: lonely rejection\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("handled later"), "{}", run.stderr);
    assert_eq!(run.code, 1);
}

#[test]
fn throwing_timer_is_reported_and_the_program_goes_on() {
    let run = nexus_fixture("scheduler/timer_throws.js", &[]);
    assert_eq!(run.stdout, "still running\n");
    assert!(
        run.stderr
            .starts_with("error: Uncaught Error: timer failed\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("timer_throws.js:2:"), "{}", run.stderr);
    assert_eq!(run.code, 1);
}

#[test]
fn throwing_microtask_is_reported() {
    let run = nexus_fixture("scheduler/microtask_throws.js", &[]);
    assert_eq!(run.stdout, "after\n");
    assert!(
        run.stderr.contains("Uncaught TypeError: microtask failed"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
}

#[test]
fn burst_starts_threads_and_idle_spell_retires_them() {
    let run = nexus(&[
        "--stats",
        "--concurrency",
        "2",
        common::fixture("scheduler/idle_retire.js")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(run.stdout, "done=200000 concurrency=2\n");
    // The burst ran on both workers at once; the idle spell let one go. Work after it may start
    // one again (a worker that runs a job while nobody watches timers and I/O starts one).
    assert_eq!(
        stat(&run.stderr, "threads alive at most"),
        2,
        "{}",
        run.stderr
    );
    assert!(stat(&run.stderr, "threads started") >= 2, "{}", run.stderr);
    assert!(stat(&run.stderr, "threads retired") >= 1, "{}", run.stderr);
    assert_eq!(run.code, 0);
}

#[test]
fn concurrency_one_runs_one_thread() {
    let run = nexus(&[
        "--stats",
        "--concurrency",
        "1",
        &example("scheduler_counter.js"),
    ]);
    assert_eq!(run.stdout, "counter=100000 tasks=100000 threads<=1\n");
    assert_eq!(stat(&run.stderr, "threads started"), 1, "{}", run.stderr);
}

#[test]
fn stats_show_lock_time_and_promise_jobs() {
    let run = nexus(&[
        "--stats",
        common::fixture("scheduler/promises.js").to_str().unwrap(),
    ]);
    assert!(
        stat(&run.stderr, "realm 0 promise jobs") >= 100_000,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("realm 0 lock held: "), "{}", run.stderr);
    assert!(stat(&run.stderr, "tasks run") >= 1, "{}", run.stderr);
}

#[test]
fn an_idle_process_uses_no_cpu() {
    // utime + stime in clock ticks: fields 14 and 15, the 12th and 13th after the command name.
    let cpu_ticks = |stat: &str| {
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    };
    let (stdout, ticks) = common::run_sampling(
        &[common::fixture("scheduler/idle.js").as_os_str()],
        "stat",
        cpu_ticks,
    );
    assert_eq!(stdout, "woke\n");
    // Start-up is a few ticks; spinning for 2 s would be ~200 (at 100 ticks/s).
    assert!(
        ticks < 20,
        "used {ticks} clock ticks of CPU while idle for 2 s"
    );
}

#[test]
fn a_closed_stderr_does_not_hang_or_crash() {
    let script = common::fixture("scheduler/timer_throws.js");
    let out = tool("sh")
        .arg("-c")
        .arg(format!(
            "'{}' '{}' 2>&-",
            env!("CARGO_BIN_EXE_nexus"),
            script.display()
        ))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "still running\n");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn finalizers_run_as_tasks_of_their_realm() {
    let file = common::fixture("scheduler/finalizers.js");
    let run = nexus(&["--expose-gc", file.to_str().unwrap()]);
    assert_eq!(
        run.stdout, "a timer set by a finalizer\nfinalized\n",
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 0);
}

#[test]
fn promises_the_runtime_settles_are_ordinary_and_their_rejections_are_reported() {
    let run = nexus_fixture("scheduler/settled_promises.js", &[]);
    assert_eq!(
        run.stdout,
        "true true\n[2,\"then\"] true\nprogram went on\n"
    );
    // The two rejections come from different tasks (a handler, a native completion): either
    // may be reported first.
    assert_eq!(
        run.stderr.matches("error: Uncaught (in promise) ").count(),
        2,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Uncaught (in promise) Error: async handler failed\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("/no/such/file.txt"), "{}", run.stderr);
    assert_eq!(run.code, 1);
}
