//! The AlTareq family (UAE Open Finance v2.1, FAPI 2.0).

pub mod schemas;
