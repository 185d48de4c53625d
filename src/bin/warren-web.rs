//! The web entry point (built by Trunk for wasm32 with feature `web`).

fn main() {
    warren::ui::start();
}
