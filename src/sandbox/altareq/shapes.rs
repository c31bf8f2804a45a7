//! How the data set's records look on the wire (AIS21 v2.1 shapes): accounts, balances,
//! transactions, parties. Shapes only; who may see what is decided by the handlers.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::data::{Account, BIC, Transaction, User, stamp};

/// An account as `/accounts` shows it.
pub fn account_json(a: &Account) -> Value {
    json!({
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
    })
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
    json!({"AccountId": a.id, "Balance": balances})
}

pub fn transaction_json(t: &Transaction) -> Value {
    let mut value = json!({
        "TransactionId": t.id,
        "TransactionDateTime": stamp(t.booked),
        "TransactionType": t.kind,
        "SubTransactionType": t.sub_kind,
        "CreditDebitIndicator": if t.credit { "Credit" } else { "Debit" },
        "Status": t.status,
        "BookingDateTime": stamp(t.booked),
        "ValueDateTime": stamp(t.booked),
        "TransactionInformation": t.information,
        "Amount": {"Amount": t.amount, "Currency": "AED"},
    });
    if let Some(merchant) = t.merchant {
        value["MerchantDetails"] = json!({"MerchantName": merchant});
    }
    value
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
