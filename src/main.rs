//! The `parlor` command: `serve` (the default) or `migrate`.

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
    let result = run(cli.command.unwrap_or(Command::Serve));
    // After the server has stopped, so that the spans of its last requests are sent too.
    telemetry.shutdown();
    result
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
