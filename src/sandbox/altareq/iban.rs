//! UAE IBANs (ISO 13616): `AE` + 2 check digits + 3-digit bank code + 16-digit account, 23
//! characters, mod-97 = 1 (notes §7.3). Used by PII validation and Confirmation of Payee.

/// Whether `iban` is a valid UAE IBAN.
pub(crate) fn is_valid_uae(iban: &str) -> bool {
    iban.len() == 23
        && iban.starts_with("AE")
        && iban[2..].bytes().all(|b| b.is_ascii_digit())
        && mod97(iban) == Some(1)
}

/// The 3-digit bank code of a UAE IBAN.
pub(crate) fn bank_code(iban: &str) -> Option<&str> {
    is_valid_uae(iban).then(|| &iban[4..7])
}

/// ISO 7064 mod 97-10 of an IBAN (its first four characters moved to the end, letters as numbers).
pub(crate) fn mod97(iban: &str) -> Option<u32> {
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let mut remainder = 0u32;
    for c in rearranged.chars() {
        let value = c.to_digit(36)?;
        let digits = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * digits + value) % 97;
    }
    Some(remainder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documents_ibans_are_checked_by_mod_97() {
        for good in [
            "AE070331234567890123456",
            "AE651000010000109010109",
            "AE331000010000109010103",
        ] {
            assert!(is_valid_uae(good), "{good}");
        }
        for bad in [
            "AE320260001234567890123",
            "AE140260123456789012345",
            "AE07033123456789012345",
            "GB070331234567890123456",
        ] {
            assert!(!is_valid_uae(bad), "{bad}");
        }
        assert_eq!(bank_code("AE070331234567890123456"), Some("033"));
    }
}
