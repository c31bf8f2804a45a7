//! The `obconf` binary: everything happens in [`obconf::cli`].

fn main() {
    std::process::exit(obconf::cli::main_with(std::env::args()));
}
