//! The offload pool (`Nexus.Scheduler.offload`): realms, up to `--concurrency` of them, made on
//! first need, that run exported functions for the program's realms. A job goes to the pooled
//! realm with the fewest jobs in flight (a new realm while all are busy and the pool may grow);
//! a realm keeps the modules it loaded, so later jobs find them imported.
//!
//! The API layer reaches the pool through `api::offload::Offload`, as it is below the runtime.
//!
//! Invariant: a job holds the runtime (a `Hold`) from submission to reply, so the process does
//! not exit while an offloaded function awaits something.

use crate::api::dispatch::OFFLOAD_RUN;
use crate::api::offload::{Cloned, Offload};
use crate::realm::{Completion, Realm};
use crate::scheduler::{Hold, Priority, Scheduler};
use javascriptcore_sys::{JsResult, Object, Scope};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

pub struct Pool {
    scheduler: Scheduler,
    first_id: u32,
    realms: Mutex<Vec<(Arc<Realm>, Arc<AtomicUsize>)>>,
    jobs: Mutex<HashMap<u64, Job>>,
    next_job: AtomicU64,
}

struct Job {
    reply: Completion,
    in_flight: Arc<AtomicUsize>,
    _hold: Hold,
}

static POOL: OnceLock<Pool> = OnceLock::new();

/// Set up once by `run`: pooled realms are numbered after the program's `realms`.
pub fn configure(scheduler: &Scheduler, realms: u32) -> &'static Pool {
    POOL.get_or_init(|| Pool {
        scheduler: scheduler.clone(),
        first_id: realms,
        realms: Mutex::new(Vec::new()),
        jobs: Mutex::new(HashMap::new()),
        next_job: AtomicU64::new(1),
    })
}

/// The pooled realms made so far.
pub fn realms() -> Vec<Arc<Realm>> {
    POOL.get().map_or_else(Vec::new, |pool| {
        pool.lock_realms().iter().map(|(r, _)| r.clone()).collect()
    })
}

impl Offload for Pool {
    fn submit(&self, key: String, export: String, args: Cloned, reply: Completion) {
        let (realm, in_flight) = self.pick();
        in_flight.fetch_add(1, Ordering::SeqCst);
        let job = self.next_job.fetch_add(1, Ordering::Relaxed);
        self.lock_jobs().insert(
            job,
            Job {
                reply,
                in_flight,
                _hold: self.scheduler.hold(),
            },
        );
        let run = realm.clone();
        realm.push(Priority::Low, move |scope| {
            let buffers = match array_buffers(scope, args.buffers) {
                Ok(buffers) => buffers,
                Err(error) => {
                    // Only when memory runs out; the caller still gets its answer.
                    run.report_uncaught(error);
                    let json =
                        r#"["E","RangeError","offload: out of memory copying the arguments",""]"#;
                    let failed = Cloned {
                        json: json.into(),
                        buffers: Vec::new(),
                    };
                    if let Some(pool) = POOL.get() {
                        pool.reply(job, false, failed);
                    }
                    return;
                }
            };
            let call = [
                scope.number(job as f64),
                scope.string(&key),
                scope.string(&export),
                scope.string(&args.json),
                buffers.value(),
            ];
            run.call(scope, &OFFLOAD_RUN, &call);
        });
    }

    fn reply(&self, job: u64, ok: bool, result: Cloned) {
        let Some(job) = self.lock_jobs().remove(&job) else {
            return;
        };
        job.in_flight.fetch_sub(1, Ordering::SeqCst);
        job.reply.settle(result, move |scope, result| {
            let buffers = array_buffers(scope, result.buffers)?;
            let parts = [
                scope.boolean(ok),
                scope.string(&result.json),
                buffers.value(),
            ];
            Ok(scope.array(&parts)?.value())
        });
    }
}

/// A JS array of ArrayBuffers holding `buffers`, in order (each stored as soon as it is made,
/// out of the GC's sight in no Rust collection).
fn array_buffers<'s>(scope: &'s Scope<'s>, buffers: Vec<Vec<u8>>) -> JsResult<'s, Object<'s>> {
    let array = scope.array(&[])?;
    for (i, bytes) in buffers.into_iter().enumerate() {
        array.set(&i.to_string(), scope.array_buffer(bytes)?.value())?;
    }
    Ok(array)
}

impl Pool {
    fn lock_realms(&self) -> std::sync::MutexGuard<'_, Vec<(Arc<Realm>, Arc<AtomicUsize>)>> {
        self.realms.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_jobs(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The least busy pooled realm; a new one while every realm has work and the pool may grow.
    fn pick(&self) -> (Arc<Realm>, Arc<AtomicUsize>) {
        let mut realms = self.lock_realms();
        let idle = realms
            .iter()
            .min_by_key(|(_, n)| n.load(Ordering::SeqCst))
            .filter(|(_, n)| n.load(Ordering::SeqCst) == 0 || realms.len() >= self.max())
            .cloned();
        if let Some(found) = idle {
            return found;
        }
        let id = self.first_id + realms.len() as u32;
        let realm = Realm::new(id, self.scheduler.clone(), true);
        let started = realm.clone();
        realm.push(Priority::High, move |scope| {
            started.install(scope);
        });
        let entry = (realm, Arc::new(AtomicUsize::new(0)));
        realms.push(entry.clone());
        entry
    }

    fn max(&self) -> usize {
        self.scheduler.concurrency().max(1)
    }
}
