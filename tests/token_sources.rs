//! The persona token sources a target file may give, against the embedded STET bank over mTLS:
//! a login (authorization-code flow through the bank's login page), a refresh token that obconf
//! redeems itself, and a command that prints a token.

use std::sync::Arc;

use obconf::auth::TokenBook;
use obconf::http::{HttpClient, RequestSpec};
use obconf::sandbox::FaultSet;
use obconf::target::{Persona, Target};

async fn embedded_stet() -> obconf::family::EmbeddedBank {
    let stet = obconf::steps::family("stet").unwrap();
    stet.start_embedded(
        Target::embedded("stet"),
        FaultSet::none(),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_token_is_redeemed_and_a_token_command_is_run() {
    let bank = embedded_stet().await;
    let mut target = bank.target.clone();
    let http = HttpClient::new(&target).unwrap();
    let stet = obconf::steps::family("stet").unwrap();
    let wire = stet.prepare(&target).unwrap();

    // LEA logs in at the bank's page: the book gets a token by the authorization-code flow.
    let book = TokenBook::new(Arc::new(target.clone()), http.clone(), wire.clone());
    let login_token = book.token("LEA", "aisp").await.unwrap();

    // A refresh token obtained the same way, given to a persona that has nothing else.
    let oauth = book.oauth().unwrap();
    let login = target.personas["LEA"].login.clone().unwrap();
    let (code, _) = oauth.authorize(&login, "aisp").await;
    let set = obconf::auth::oauth::token_set(&oauth.exchange_code(&code.unwrap()).await).unwrap();
    target.personas.insert(
        "REFRESHER".into(),
        Persona {
            refresh_token: set.refresh.clone(),
            ..Persona::default()
        },
    );
    target.personas.insert(
        "COMMANDER".into(),
        Persona {
            token_command: Some(
                "printf 'cmd-%s-%s-token' \"$OBCONF_PERSONA\" \"$OBCONF_SCOPE\"".into(),
            ),
            ..Persona::default()
        },
    );
    let book = TokenBook::new(Arc::new(target.clone()), http.clone(), wire.clone());
    let refreshed = book.token("REFRESHER", "aisp").await.unwrap();
    assert_ne!(
        refreshed.expose(),
        set.access.expose(),
        "a new access token"
    );
    assert_ne!(refreshed.expose(), login_token.expose());
    let command = book.token("COMMANDER", "pisp").await.unwrap();
    assert_eq!(command.expose(), "cmd-COMMANDER-pisp-token");
    assert_eq!(format!("{command:?}"), "[REDACTED]");

    // The refreshed token opens the API: the bank accepts it (signed, over mTLS).
    let request = RequestSpec::new("GET", "/stet/psd2/v1.4.2/accounts").bearer(refreshed);
    let exchange = obconf::family::deliver(&http, wire.as_ref(), request).await;
    assert_eq!(exchange.status(), Some(200), "{}", exchange.render());

    // A failing command is a clear error, not a panic.
    target.personas.insert(
        "BROKEN".into(),
        Persona {
            token_command: Some("exit 3".into()),
            ..Persona::default()
        },
    );
    let book = TokenBook::new(Arc::new(target), http, wire);
    let err = book.token("BROKEN", "aisp").await.unwrap_err().to_string();
    assert!(
        err.contains("token command") && err.contains("exit"),
        "{err}"
    );
}
