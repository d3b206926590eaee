//! The checked-in generated crates are exactly what the generator makes now, and the generator
//! makes the same bytes every time.

use xtask::gen_cmd::{GenOptions, generate_all, run};

#[test]
fn checked_in_generated_code_is_up_to_date() {
    let mut options = GenOptions::for_workspace(generator_tests::root());
    options.check = true;
    let outcome = run(&options).expect("generation succeeds");
    assert!(
        !outcome.stale,
        "generated/ is stale; run `cargo xtask gen` and commit. Diff:\n{}",
        outcome.diff
    );
}

#[test]
fn generation_is_deterministic() {
    let options = GenOptions::for_workspace(generator_tests::root());
    let first = generate_all(&options).expect("first run");
    let second = generate_all(&options).expect("second run");
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.vendor, b.vendor);
        assert_eq!(
            a.generated.files, b.generated.files,
            "{} differs between two runs",
            a.vendor
        );
    }
}
