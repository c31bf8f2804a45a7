//! The balances report: the accounting balance (CLBD) and its sign.

use cucumber::then;
use serde_json::Value;

use crate::world::{Failure, ObWorld, StepResult};

#[then(regex = r"^the accounting balance \(CLBD\) is (negative|zero|positive)$")]
async fn clbd_sign(w: &mut ObWorld, sign: String) -> StepResult {
    let json = w.last_json()?;
    let clbd = json
        .get("balances")
        .and_then(Value::as_array)
        .and_then(|b| {
            b.iter()
                .find(|b| b.get("balanceType") == Some(&Value::from("CLBD")))
        })
        .ok_or_else(|| Failure::expected("a balance of type CLBD", "none"))?;
    let amount_text = match clbd.pointer("/balanceAmount/amount") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        other => {
            return Err(Failure::expected(
                "balanceAmount.amount",
                format!("{other:?}"),
            ));
        }
    };
    let amount: f64 = amount_text
        .trim()
        .parse()
        .map_err(|_| Failure::expected("a decimal amount", format!("\"{amount_text}\"")))?;
    let ok = match sign.as_str() {
        "negative" => amount < 0.0,
        "zero" => amount == 0.0,
        _ => amount > 0.0,
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("a {sign} CLBD amount"),
            amount_text,
        ))
    }
}
