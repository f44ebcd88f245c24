{
  description = "Nexus: a server-side JavaScript runtime on JavaScriptCore";

  # nixos-25.11: its rustc is newer than the 1.89 the workspace needs (File::lock in build.rs).
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs =
    { self, nixpkgs }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
      inherit (pkgs) lib;

      # The one engine pin, read here as build.rs and scripts/fetch-webkit read it.
      pin = builtins.fromTOML (builtins.readFile ./vendor/javascriptcore-sys/webkit.toml);
      version = (builtins.fromTOML (builtins.readFile ./Cargo.toml)).package.version;

      webkitTarball = pkgs.fetchurl {
        inherit (pin) url sha256;
        name = pin.tarball;
      };

      # build.rs links ICU statically (libicu*.a); nixpkgs builds only the shared libraries.
      icu = pkgs.icu.overrideAttrs { dontDisableStatic = true; };
      clang = pkgs.llvmPackages.clang;

      # What cargo needs to build: no tests, benches or docs, so editing those rebuilds nothing.
      src = lib.fileset.toSource {
        root = ./.;
        fileset = lib.fileset.unions [
          ./Cargo.toml
          ./Cargo.lock
          ./build.rs
          ./src
          ./vendor
        ];
      };

      # Shared by the engine and nexus: the crates of Cargo.lock (importCargoLock), the engine's
      # build tools, and where build.rs finds the tarball, the compilers and ICU.
      common = {
        inherit version src;
        cargoLock.lockFile = ./Cargo.lock;
        nativeBuildInputs = [
          pkgs.cmake
          pkgs.ninja
          pkgs.perl
          pkgs.pkg-config
          pkgs.python3
          pkgs.ruby
          clang
        ];
        buildInputs = [ icu ];
        env = {
          NEXUS_WEBKIT_TARBALL = "${webkitTarball}";
          NEXUS_JSC_CC = "clang";
          NEXUS_JSC_CXX = "clang++";
          NEXUS_ICU_INCLUDE = "${lib.getDev icu}/include";
        };
        # cmake and ninja are for build.rs; their setup hooks must not take over the phases.
        dontUseCmakeConfigure = true;
        dontUseNinjaBuild = true;
        dontUseNinjaInstall = true;
        dontUseNinjaCheck = true;
        # scripts/test runs the tests; they need Node.js, npm and the network.
        doCheck = false;
      };

      # JavaScriptCore alone, laid out like a `jsc/<key>/` cache entry (build/engine.rs): built once
      # per pin and compiler, and reused by every nexus build through NEXUS_JSC_PREFIX.
      engine = pkgs.rustPlatform.buildRustPackage (
        common
        // {
          pname = "nexus-javascriptcore";
          cargoBuildFlags = [
            "-p"
            "javascriptcore-sys"
          ];
          # The engine cache must be writable; the sandbox's HOME is not.
          preBuild = ''
            export NEXUS_CACHE_DIR=$TMPDIR/nexus-cache
          '';
          installPhase = ''
            runHook preInstall
            flags=$(echo "$NEXUS_CACHE_DIR"/jsc/*/shim-flags)
            [ -f "$flags" ] || { echo "no engine was built in $NEXUS_CACHE_DIR/jsc" >&2; exit 1; }
            cp -r "$(dirname "$flags")" "$out"
            runHook postInstall
          '';
        }
      );

      nexus = pkgs.rustPlatform.buildRustPackage (
        common
        // {
          pname = "nexus";
          cargoBuildFlags = [
            "-p"
            "nexus"
          ];
          nativeBuildInputs = common.nativeBuildInputs ++ [ pkgs.installShellFiles ];
          env = common.env // {
            NEXUS_JSC_PREFIX = "${engine}";
          };
          # As in the .deb: the man page and completions come from the binary's clap definition.
          postInstall = ''
            $out/bin/nexus --generate man > nexus.1
            installManPage nexus.1
            installShellCompletion --cmd nexus \
              --bash <($out/bin/nexus --generate bash) \
              --zsh <($out/bin/nexus --generate zsh) \
              --fish <($out/bin/nexus --generate fish)
          '';
          meta = {
            description = "Server-side JavaScript runtime on JavaScriptCore";
            license = with lib.licenses; [
              mit
              lgpl2Plus
              bsd2
            ];
            mainProgram = "nexus";
            platforms = [ "x86_64-linux" ];
          };
        }
      );
    in
    {
      packages.${system} = {
        inherit nexus engine;
        default = nexus;
      };

      apps.${system} = rec {
        nexus = {
          type = "app";
          program = "${self.packages.${system}.nexus}/bin/nexus";
        };
        default = nexus;
      };

      # cargo, the engine's build tools and the tarball, for scripts/build and scripts/test (the
      # engine then builds into ~/.cache/nexus as on any machine).
      devShells.${system}.default = pkgs.mkShell {
        inputsFrom = [ nexus ];
        packages = [
          pkgs.cargo
          pkgs.rustc
          pkgs.clippy
          pkgs.rustfmt
          pkgs.nodejs
          pkgs.curl
        ];
        inherit (common.env)
          NEXUS_WEBKIT_TARBALL
          NEXUS_JSC_CC
          NEXUS_JSC_CXX
          NEXUS_ICU_INCLUDE
          ;
      };
    };
}
