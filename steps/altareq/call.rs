//! Sending as one of the run's TPP clients: the request goes through the AlTareq wire (discovery
//! first, then decoration), over that client's mutual-TLS connection (or none), and the answer is
//! unwrapped (verified and checked against its schema by the wire) and kept as the scenario's last
//! exchange and as evidence. The operation (method and path template) is kept beside it.

use std::sync::Arc;

use super::wire::AltareqRun;
use crate::family::Wire;
use crate::http::{Exchange, RequestSpec};
use crate::world::{Failure, ObWorld};

/// Who the request comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum As {
    /// The TPP's client, with its transport certificate.
    Client,
    /// The second registered client, with its own certificate.
    OtherClient,
    /// The TPP's client, with no client certificate at all.
    NoCertificate,
}

/// The operation of the last call: method and the path as the scenario wrote it (`{account}`
/// unfilled), what a response schema is looked up by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Operation {
    pub method: String,
    pub template: String,
}

/// The run's AlTareq wire; fails in another family's run.
pub fn run(w: &ObWorld) -> Result<Arc<AltareqRun>, Failure> {
    w.wire::<AltareqRun>(super::ABOUT.name)
}

/// Sends `request` as `who` and keeps the exchange. Fails when nothing came back or the answer
/// did not verify; a status the bank chose is for `Then` steps to judge.
pub async fn send<'w>(
    w: &'w mut ObWorld,
    who: As,
    request: RequestSpec,
    template: &str,
) -> Result<&'w Exchange, Failure> {
    let exchange = exchange(w, who, request, template).await?;
    w.keep(exchange)
}

/// Sends `request` as `who` and keeps the exchange as evidence and as the last one, whatever came
/// back (a refused handshake included); an answer that came back and did not verify, or broke
/// its schema, still fails.
pub async fn attempt(
    w: &mut ObWorld,
    who: As,
    request: RequestSpec,
    template: &str,
) -> Result<(), Failure> {
    let exchange = exchange(w, who, request, template).await?;
    if exchange.response.is_some() {
        w.keep(exchange)?;
    } else {
        w.record(exchange);
    }
    Ok(())
}

async fn exchange(
    w: &mut ObWorld,
    who: As,
    mut request: RequestSpec,
    template: &str,
) -> Result<Exchange, Failure> {
    let run = run(w)?;
    for (k, v) in w.next_headers.drain(..) {
        request.set_header(k, v);
    }
    request.omit.append(&mut w.next_omit);
    let http = match who {
        As::Client | As::NoCertificate => &run.clients[0].http,
        As::OtherClient => &run.clients[1].http,
    };
    request.without_client_certificate = who == As::NoCertificate;
    w.keep_state(Operation {
        method: request.method.clone(),
        template: template.to_string(),
    });
    let prepared = match run.ready(http).await {
        Ok(()) => run.decorate(&mut request),
        Err(e) => Err(e),
    };
    if let Err(refused) = prepared {
        let reason = format!("the request was not sent: {refused}");
        w.record(http.not_sent(&request, reason.clone()));
        return Err(Failure::new(reason));
    }
    for name in request.omit.clone() {
        request.remove_header(&name);
    }
    Ok(crate::family::wire_finish(
        run.as_ref(),
        http.send(request).await,
    ))
}
