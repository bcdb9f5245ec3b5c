//! Supervision of the processes parity starts: every harness (and the libFuzzer target) is spawned
//! here, in its own process group, from one thread that lives as long as parity, with a
//! parent-death signal on Linux; SIGINT and SIGTERM kill every such group and mark the run as
//! interrupted, so that the stages stop and report what they checked so far.
//!
//! Why each piece (see ARCHITECTURE.md, "Supervision and stopping"):
//! - Own process groups: a timeout must kill whatever the code under test spawned. The price is
//!   that a terminal's Ctrl-C (sent to parity's group) never reaches a harness: parity forwards it,
//!   as SIGKILL to each group it started.
//! - `PR_SET_PDEATHSIG` fires when the *thread* that spawned the child exits, not the process, and
//!   lanes are started and restarted from short-lived scoped threads. So every spawn goes through
//!   one spawner thread that never exits; the child also re-checks `getppid()` after `prctl`, in
//!   case parity died between `fork` and `prctl`.
//! - Elsewhere (no parent-death signal), the harnesses exit when their standard input closes, even
//!   while a call is busy (see `worker.rs` and `harness-go/harness.go`).

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Mutex, OnceLock};

/// The signal that interrupted the run (0: none yet).
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

/// The process groups of the live children. Spawning and registering happen under this lock, and
/// so does killing on a signal: a child is either killed or never started.
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

type SpawnRequest = (Command, Sender<io::Result<Child>>);

/// The spawner thread's request queue.
static SPAWNER: OnceLock<Mutex<Sender<SpawnRequest>>> = OnceLock::new();

/// The signal number that interrupted this run, if one did.
pub fn interrupted() -> Option<i32> {
    match INTERRUPTED.load(Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

/// The name of an interrupting signal, for reports.
pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// Handles SIGINT and SIGTERM from now on: the first one marks the run as interrupted and
/// kills every child process group at once; a second one ends parity immediately with the same
/// exit code. Called by the `check` and `fuzz` commands, never by a worker.
pub fn install_signal_handlers() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::Builder::new()
        .name("parity-signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if INTERRUPTED
                    .compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst)
                    .is_err()
                {
                    kill_all();
                    let first = INTERRUPTED.load(Ordering::SeqCst);
                    std::process::exit(crate::exit_code::ExitCode::interrupted_by(first) as i32);
                }
                kill_all();
            }
        })
        .expect("a thread for signals");
}

/// Kills every registered process group (SIGKILL).
fn kill_all() {
    let groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    for &pgid in groups.iter() {
        // SAFETY: signalling a process group this process created.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

/// Spawns `cmd` in its own process group, with a parent-death signal on Linux, from the spawner
/// thread, and registers its group; [`forget`] it once it has been killed and waited for. Fails
/// with `ErrorKind::Interrupted` once the run has been interrupted.
pub(crate) fn spawn(mut cmd: Command) -> io::Result<Child> {
    cmd.process_group(0);
    #[cfg(target_os = "linux")]
    {
        // SAFETY: the closure runs between fork and exec and only makes async-signal-safe calls
        // (prctl, getppid, _exit).
        let parent = std::process::id() as libc::pid_t;
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    libc::_exit(137);
                }
                Ok(())
            });
        }
    }
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("parity-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(spawn_registered(&mut cmd));
                }
            })
            .expect("a thread to spawn harnesses from");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    spawner
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((cmd, reply_tx))
        .map_err(|_| io::Error::other("the spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| io::Error::other("the spawner thread is gone"))?
}

fn spawn_registered(cmd: &mut Command) -> io::Result<Child> {
    let mut groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    if interrupted().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::Interrupted,
            "parity was interrupted",
        ));
    }
    let child = cmd.spawn()?;
    groups.push(child.id() as i32);
    Ok(child)
}

/// Unregisters the process group of a child that has been killed and waited for.
pub(crate) fn forget(pid: u32) {
    let mut groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    groups.retain(|&g| g != pid as i32);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_supervised_child_runs_in_its_own_process_group_and_is_forgotten_after_it_ends() {
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let mut child = spawn(cmd).expect("sleep starts");
        let pid = child.id() as i32;
        // SAFETY: getpgid on our own child.
        assert_eq!(unsafe { libc::getpgid(pid) }, pid);
        assert!(GROUPS.lock().unwrap().contains(&pid));
        let _ = child.kill();
        let _ = child.wait();
        forget(child.id());
        assert!(!GROUPS.lock().unwrap().contains(&pid));
    }
}
