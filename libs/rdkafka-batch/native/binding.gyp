{
  # Built by tools/setup.sh (and the Dockerfile) with node-gyp (`npm run build:native`), against librdkafka as
  # @confluentinc/kafka-javascript builds it (one librdkafka in the process, shared by both). It sits
  # in native/, not in the package root, so that `npm install` does not build it on its own before
  # that librdkafka exists (npm runs `node-gyp rebuild` for a root binding.gyp).
  "variables": {
    "ckjs%": "<!(node -p \"require('path').dirname(require.resolve('@confluentinc/kafka-javascript/package.json'))\")"
  },
  "targets": [
    {
      "target_name": "rdkafka_batch",
      "sources": ["batch_producer.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<(ckjs)/build/deps/include"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2"],
      "libraries": [
        "-L<(ckjs)/build/deps",
        "-lrdkafka",
        # librdkafka.so from @confluentinc/kafka-javascript's build, found from where this addon
        # sits: libs/rdkafka-batch/native/build/Release in the workspace (five levels below the
        # directory holding node_modules), node_modules/@mirrorlab/rdkafka-batch/native/build/Release
        # in an image (five levels below node_modules).
        "-Wl,-rpath,'$$ORIGIN/../../../../../node_modules/@confluentinc/kafka-javascript/build/deps'",
        "-Wl,-rpath,'$$ORIGIN/../../../../../@confluentinc/kafka-javascript/build/deps'"
      ]
    }
  ]
}
