//! The built-in SMTP listener (`INBOUND_SMTP_ADDR`): the small part of SMTP (RFC 5321) a mail
//! server delivering to `INBOUND_DOMAIN` uses. `EHLO`/`HELO`, `MAIL FROM` (with `SIZE=`), `RCPT
//! TO` (only addresses at `INBOUND_DOMAIN`; any other answers 550, so Parlor is never a
//! relay), `DATA` with dot-unstuffing, `RSET`, `NOOP`, `QUIT`. No TLS and no AUTH: put it
//! behind the MX of a provider, or a proxy that terminates STARTTLS, for mail from the internet.
//!
//! Limits: a message at most [`MAX_MESSAGE_BYTES`] (advertised as `SIZE`, 552 past it), a
//! command line at most [`COMMAND_LINE_MAX`] bytes, a line of the message at most
//! [`DATA_LINE_MAX`], [`MAX_RECIPIENTS`] recipients a message, [`MAX_ERRORS`] bad commands a
//! session, [`COMMAND_TIMEOUT`] waiting for a command and [`DATA_TIMEOUT`] for a message, and
//! [`MAX_SESSIONS`] sessions at once (a connection past it is told 421 and closed).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use actix_web::web;
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader},
    net::TcpListener,
    sync::Semaphore,
};

use super::receive::{Envelope, MAX_MESSAGE_BYTES, receive};
use crate::state::AppState;

pub const MAX_SESSIONS: usize = 100;
pub const COMMAND_LINE_MAX: usize = 512;
pub const DATA_LINE_MAX: usize = 64 * 1024;
pub const MAX_RECIPIENTS: usize = 100;
pub const MAX_ERRORS: usize = 10;
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);
pub const DATA_TIMEOUT: Duration = Duration::from_secs(600);

/// Binds `addr` and serves SMTP on it in the background; the bound port (`:0` picks one).
pub async fn start(state: web::Data<AppState>, addr: SocketAddr, domain: String) -> std::io::Result<u16> {
    let listener = TcpListener::bind(addr).await?;
    let port = listener.local_addr()?.port();
    let sessions = Arc::new(Semaphore::new(MAX_SESSIONS));
    tokio::spawn(async move {
        loop {
            let (mut stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "SMTP accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let Ok(permit) = sessions.clone().try_acquire_owned() else {
                tokio::spawn(async move {
                    let _ = stream.write_all(b"421 4.3.2 Too many connections, try again later\r\n").await;
                });
                continue;
            };
            let (state, domain) = (state.clone(), domain.clone());
            tokio::spawn(async move {
                let (read, write) = stream.split();
                if let Err(error) = session(&state, &domain, read, write).await {
                    tracing::debug!(%error, %peer, "SMTP session ended");
                }
                drop(permit);
            });
        }
    });
    tracing::info!(port, "inbound SMTP listener started");
    Ok(port)
}

/// What `read_line` found.
enum Line {
    Text(Vec<u8>),
    TooLong,
    Closed,
}

async fn read_line<R: AsyncRead + Unpin>(reader: &mut BufReader<R>, max: usize, wait: Duration) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let read = tokio::time::timeout(wait, (&mut *reader).take(max as u64 + 1).read_until(b'\n', &mut line))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "SMTP timeout"))??;
    if read == 0 {
        return Ok(Line::Closed);
    }
    if line.len() > max || !line.ends_with(b"\n") && line.len() >= max {
        return Ok(Line::TooLong);
    }
    Ok(Line::Text(line))
}

/// The address in `<...>` after a `MAIL FROM:` or `RCPT TO:`, and the parameters after it.
fn path(argument: &str) -> Option<(String, &str)> {
    let argument = argument.trim_start();
    let open = argument.find('<')?;
    let close = argument[open..].find('>')? + open;
    Some((argument[open + 1..close].trim().to_string(), argument[close + 1..].trim()))
}

async fn session<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(
    state: &AppState,
    domain: &str,
    read: R,
    mut write: W,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(read);
    write.write_all(format!("220 {domain} Parlor ESMTP\r\n").as_bytes()).await?;
    let (mut greeted, mut errors) = (false, 0usize);
    let mut mail_from: Option<String> = None;
    let mut recipients: Vec<String> = Vec::new();
    loop {
        let line = match read_line(&mut reader, COMMAND_LINE_MAX, COMMAND_TIMEOUT).await {
            Ok(Line::Text(line)) => line,
            Ok(Line::TooLong) => {
                write.write_all(b"500 5.5.2 Line too long\r\n").await?;
                return Ok(());
            }
            Ok(Line::Closed) => return Ok(()),
            Err(error) => {
                let _ = write.write_all(b"421 4.4.2 Timeout, closing\r\n").await;
                return Err(error);
            }
        };
        let line = String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_string();
        let (verb, argument) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let reply: String = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                greeted = true;
                (mail_from, recipients) = (None, Vec::new());
                format!("250-{domain}\r\n250-SIZE {MAX_MESSAGE_BYTES}\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SMTPUTF8\r\n")
            }
            "HELO" => {
                greeted = true;
                (mail_from, recipients) = (None, Vec::new());
                format!("250 {domain}\r\n")
            }
            "MAIL" if !greeted => "503 5.5.1 Say EHLO first\r\n".into(),
            "MAIL" => match argument.get(..5).filter(|p| p.eq_ignore_ascii_case("FROM:")).and_then(|_| path(&argument[5..])) {
                None => "501 5.5.4 Syntax: MAIL FROM:<address>\r\n".into(),
                Some((from, parameters)) => {
                    let declared = parameters
                        .split_whitespace()
                        .find_map(|p| p.get(..5).filter(|k| k.eq_ignore_ascii_case("SIZE=")).and_then(|_| p[5..].parse::<usize>().ok()));
                    if declared.is_some_and(|size| size > MAX_MESSAGE_BYTES) {
                        "552 5.3.4 Message larger than 25 MB\r\n".into()
                    } else {
                        (mail_from, recipients) = (Some(from), Vec::new());
                        "250 2.1.0 OK\r\n".into()
                    }
                }
            },
            "RCPT" if mail_from.is_none() => "503 5.5.1 Need MAIL first\r\n".into(),
            "RCPT" => match argument.get(..3).filter(|p| p.eq_ignore_ascii_case("TO:")).and_then(|_| path(&argument[3..])) {
                None => "501 5.5.4 Syntax: RCPT TO:<address>\r\n".into(),
                Some(_) if recipients.len() >= MAX_RECIPIENTS => "452 4.5.3 Too many recipients\r\n".into(),
                Some((to, _)) if to.rsplit_once('@').is_some_and(|(local, d)| !local.is_empty() && d.eq_ignore_ascii_case(domain)) => {
                    recipients.push(to);
                    "250 2.1.5 OK\r\n".into()
                }
                Some(_) => "550 5.7.1 No such recipient here\r\n".into(),
            },
            "DATA" if recipients.is_empty() => "503 5.5.1 Need RCPT first\r\n".into(),
            "DATA" => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let Some(message) = read_data(&mut reader).await? else {
                    write.write_all(b"552 5.3.4 Message larger than 25 MB\r\n").await?;
                    (mail_from, recipients) = (None, Vec::new());
                    continue;
                };
                let envelope = Envelope { mail_from: mail_from.take(), recipients: std::mem::take(&mut recipients), ..Envelope::default() };
                match receive(state, message, envelope).await {
                    Ok(_) => "250 2.0.0 OK\r\n".into(),
                    Err(_) => "451 4.3.0 Not stored, try again later\r\n".into(),
                }
            }
            "RSET" => {
                (mail_from, recipients) = (None, Vec::new());
                "250 2.0.0 OK\r\n".into()
            }
            "NOOP" => "250 2.0.0 OK\r\n".into(),
            "VRFY" => "252 2.1.5 Cannot verify, but will accept\r\n".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => {
                errors += 1;
                if errors >= MAX_ERRORS {
                    write.write_all(b"421 4.7.0 Too many errors, closing\r\n").await?;
                    return Ok(());
                }
                "500 5.5.1 Command not recognised\r\n".into()
            }
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// The message after `DATA`, dot-unstuffed, up to the line holding a single dot; `None` when
/// it was larger than [`MAX_MESSAGE_BYTES`] (read to its end all the same, so the session can
/// go on).
async fn read_data<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> std::io::Result<Option<Vec<u8>>> {
    let mut message = Vec::new();
    let mut too_large = false;
    let deadline = tokio::time::Instant::now() + DATA_TIMEOUT;
    loop {
        let wait = deadline.saturating_duration_since(tokio::time::Instant::now());
        let line = match read_line(reader, DATA_LINE_MAX, wait).await? {
            Line::Text(line) => line,
            Line::TooLong => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "message line too long")),
            Line::Closed => return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed in DATA")),
        };
        if line == b".\r\n" || line == b".\n" {
            return Ok(if too_large { None } else { Some(message) });
        }
        let line = if line.starts_with(b".") { &line[1..] } else { &line[..] };
        if too_large || message.len() + line.len() > MAX_MESSAGE_BYTES {
            too_large = true;
            message = Vec::new();
            continue;
        }
        message.extend_from_slice(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn data_is_unstuffed_and_ends_at_the_dot() {
        let input: &[u8] = b"Subject: x\r\n\r\n..leading dot\r\nplain\r\n.\r\nQUIT\r\n";
        let mut reader = BufReader::new(input);
        let message = read_data(&mut reader).await.unwrap().unwrap();
        assert_eq!(message, b"Subject: x\r\n\r\n.leading dot\r\nplain\r\n");
    }

    #[test]
    fn paths_are_read() {
        assert_eq!(path(" <a@b.c> SIZE=10"), Some(("a@b.c".into(), "SIZE=10")));
        assert_eq!(path("<>"), Some((String::new(), "")));
        assert_eq!(path("a@b.c"), None);
    }
}
