//! The `parlor` command: `serve` (the default) or `migrate`.

use std::io::Write;

use clap::{Parser, Subcommand};
use parlor::{
    config::{LogFormat, Settings},
    db,
    startup::Application,
    telemetry,
};

#[derive(Parser)]
#[command(name = "parlor", version, about = "Customer-support chat: widget, agent inbox and admin console")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database if needed, run migrations and serve HTTP (the default).
    Serve,
    /// Create the database if needed, run pending migrations, and exit.
    Migrate,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let telemetry = telemetry::init_from_env(LogFormat::from_env()?)?;
    let command = cli.command.unwrap_or(Command::Serve);
    let serving = matches!(command, Command::Serve);
    let result = run(command);
    // After the server has stopped, so that the spans of its last requests are sent too.
    telemetry.shutdown();
    if serving {
        exit_without_exit_handlers(result);
    }
    result
}

/// Ends the process once the server has drained, without running the C libraries' exit
/// handlers. libpq's OpenSSL registers one (`OPENSSL_cleanup`) that frees OpenSSL's global
/// state while the message writers, socket readers and pool threads may still be ending and
/// closing their TLS connections to Postgres: one that touches OpenSSL then crashes the process
/// (SIGSEGV) after a clean drain, and the deploy sees a failed exit (seen once in the SIGTERM
/// test; under gdb, those threads end after the handler has begun). Everything worth keeping
/// is out by now: answers, stored messages, logs (written unbuffered, stdout flushed below) and
/// spans (`telemetry.shutdown`).
fn exit_without_exit_handlers(result: anyhow::Result<()>) -> ! {
    let code = match result {
        Ok(()) => 0,
        Err(error) => {
            // What returning the error from `main` prints.
            eprintln!("Error: {error:?}");
            1
        }
    };
    let _ = std::io::stdout().flush();
    // SAFETY: `_exit` ends the process at once and touches no memory of ours; no thread can
    // observe anything after it.
    unsafe { libc::_exit(code) }
}

fn run(command: Command) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    match command {
        Command::Migrate => {
            db::create_database_if_missing(&settings.database_url)?;
            let applied = db::run_migrations(&settings.database_url)?;
            tracing::info!(applied, "database is up to date");
            Ok(())
        }
        Command::Serve => actix_web::rt::System::new().block_on(serve(settings)),
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let public_url = settings.public_base();
    let app = Application::build(settings).await?;
    tracing::info!(port = app.port(), "Parlor is running at {public_url}  (Ctrl-C or SIGTERM stops it)");
    println!("Parlor is running at {public_url}");
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}
