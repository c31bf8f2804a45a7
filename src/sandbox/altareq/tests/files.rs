//! The target file of a served bank: its companions exist, secrets are owner-only in an
//! owner-only folder, and the yaml names secrets by file, never inline.

use super::tpp::Env;
use crate::sandbox::altareq::target_file::write_target_files;

#[tokio::test]
async fn the_target_file_names_both_clients_and_keeps_their_keys_private() {
    let env = Env::healthy().await;
    let dir = tempfile::tempdir().unwrap();
    let path = write_target_files(&env.started, dir.path()).unwrap();
    let yaml = std::fs::read_to_string(&path).unwrap();
    assert!(yaml.contains(&format!("base_url: {}", env.started.rs)));
    assert!(yaml.contains(&format!("issuer: {}", env.started.issuer)));
    assert!(yaml.contains(&env.c1().client_id) && yaml.contains(&env.c2().client_id));
    assert!(!yaml.contains("PRIVATE KEY"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ca.pem")).unwrap(),
        env.started.ca_pem
    );
    let key = dir.path().join("secrets/client1-signing.key.pem");
    assert_eq!(
        std::fs::read_to_string(&key).unwrap(),
        env.c1().signing_key_pem
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("secrets")), 0o700);
        for name in [
            "client1-signing.key.pem",
            "client1-transport.key.pem",
            "client2-signing.key.pem",
            "client2-transport.key.pem",
        ] {
            assert_eq!(
                mode(&dir.path().join("secrets").join(name)),
                0o600,
                "{name}"
            );
        }
    }
    write_target_files(&env.started, dir.path()).expect("writing again replaces the files");
}
