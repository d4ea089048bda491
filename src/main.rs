/// mimalloc: the loader and the checks allocate many small strings and vectors from both
/// rayon threads; glibc malloc spent ~20% of a full-corpus lint in malloc/free
/// (docs/performance.md).
#[global_allocator]
static GLOBAL: splforge::allocator::Mimalloc = splforge::allocator::Mimalloc;

fn main() -> std::process::ExitCode {
    splforge::cli::main()
}
