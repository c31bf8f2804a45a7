//! How the data set's records look on the wire (AIS21 v2.1 shapes): accounts, balances,
//! transactions, parties. Shapes only; who may see what is decided by the handlers.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::data::{Account, BIC, Transaction, User, stamp};

/// An account as `/accounts` shows it.
pub fn account_json(a: &Account) -> Value {
    let mut value = json!({
        "AccountId": a.id,
        "Servicer": {"SchemeName": "BICFI", "Identification": BIC},
        "AccountHolderName": a.holder,
        "Status": "Active",
        "Currency": "AED",
        "AccountType": a.account_type,
        "AccountSubType": a.sub_type,
        "Nickname": a.nickname,
        "OpeningDate": "2019-03-01T00:00:00+00:00",
        "AccountIdentifiers": [
            {"SchemeName": "IBAN", "Identification": a.iban, "Name": a.holder},
            {"SchemeName": "AccountNumber", "Identification": a.number, "Name": a.holder},
        ],
        "IsShariaCompliant": false,
    });
    // The nickname is the PSU's own, optional (AIS21): a variant's account may have none.
    if a.nickname.is_empty()
        && let Some(map) = value.as_object_mut()
    {
        map.shift_remove("Nickname");
    }
    let mut identifiers = value["AccountIdentifiers"].take();
    if let Some(list) = identifiers.as_array_mut()
        && a.lists_reversed
    {
        list.reverse();
    }
    value["AccountIdentifiers"] = identifiers;
    value
}

/// An account's balances (two entries) at `now`.
pub fn balances_json(a: &Account, now: DateTime<Utc>) -> Value {
    let at = stamp(now - Duration::seconds(now.timestamp() % 60));
    let indicator = if a.debit { "Debit" } else { "Credit" };
    let entry = |kind: &str| {
        json!({
            "CreditDebitIndicator": indicator,
            "Type": kind,
            "DateTime": at,
            "Amount": {"Amount": a.balance, "Currency": "AED"},
        })
    };
    let mut balances = vec![entry("InterimAvailable"), entry("ClosingBooked")];
    if a.sub_type == "CreditCard" {
        balances[0]["CreditLine"] = json!([{"Included": true, "Type": "Available", "Amount": {"Amount": "20000.00", "Currency": "AED"}}]);
    }
    if a.lists_reversed {
        balances.reverse();
    }
    json!({"AccountId": a.id, "Balance": balances})
}

pub fn transaction_json(t: &Transaction) -> Value {
    let mut value = serde_json::Map::new();
    let mut put = |key: &str, v: Value| {
        value.insert(key.to_string(), v);
    };
    put("TransactionId", json!(t.id));
    put("TransactionDateTime", json!(stamp(t.booked)));
    put("TransactionType", json!(t.kind));
    put("SubTransactionType", json!(t.sub_kind));
    let indicator = if t.credit { "Credit" } else { "Debit" };
    put("CreditDebitIndicator", json!(indicator));
    put("Status", json!(t.status));
    put("BookingDateTime", json!(stamp(t.booked)));
    // ValueDateTime, TransactionInformation and MerchantDetails are optional (AIS21).
    if t.value_date {
        put("ValueDateTime", json!(stamp(t.booked)));
    }
    if let Some(information) = t.information {
        put("TransactionInformation", json!(information));
    }
    put("Amount", json!({"Amount": t.amount, "Currency": "AED"}));
    if let Some(merchant) = t.merchant {
        put("MerchantDetails", json!({"MerchantName": merchant}));
    }
    Value::Object(value)
}

/// The verified claims of a PSU (`FI`: the bank verified them under its own KYC process).
pub fn person_claims(u: &User) -> Value {
    json!([{
        "Verification": {"TrustFramework": "FI"},
        "Claims": {
            "IdentityType": "Person",
            "FullName": u.full_name,
            "GivenName": u.given_name,
            "Surname": u.surname,
            "EmiratesId": u.emirates_id,
            "EmiratesIdExpiryDate": "2029-06-30",
            "ResidentialAddress": {"AddressType": "Residential", "AddressLine": ["Villa 12, Street 5"], "TownName": "Dubai", "CountrySubDivision": "Dubai", "Country": "AE"},
        },
    }])
}

/// `/parties`: the PSU as a party.
pub fn party_json(u: &User) -> Value {
    json!({"PartyId": u.party_id, "PartyCategory": "Retail", "VerifiedClaims": person_claims(u)})
}

/// `/accounts/{id}/parties`: the account's holder.
pub fn account_party_json(a: &Account, u: &User) -> Value {
    let category = if a.account_type == "Corporate" {
        "Corporate"
    } else {
        "Retail"
    };
    json!({
        "PartyId": u.party_id,
        "PartyType": "Sole",
        "PartyCategory": category,
        "AccountRole": "Principal",
        "VerifiedClaims": person_claims(u),
    })
}
