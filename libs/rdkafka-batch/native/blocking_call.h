// A librdkafka call that blocks (metadata, transactions, destroy), run on libuv's thread pool and
// answered as a promise: resolved with the call's number, or rejected with a KafkaError carrying
// librdkafka's code, its name and, for transactional calls, what may be done about it.
#pragma once

#include <napi.h>
#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <functional>
#include <string>

namespace mirrorlab {

inline Napi::Error KafkaError(Napi::Env env, rd_kafka_resp_err_t code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::Number::New(env, code));
  e.Set("name", Napi::String::New(env, "KafkaError"));
  e.Set("type", Napi::String::New(env, rd_kafka_err2name(code)));
  return e;
}

// The outcome of a blocking call made on the thread pool: an error code, its text and, for
// transactional calls, what librdkafka says may be done about it.
struct CallResult {
  rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string message;
  bool fatal = false;
  bool retriable = false;
  bool txnRequiresAbort = false;
  int64_t value = 0;

  void FromError(rd_kafka_error_t* error) {
    if (error == nullptr) return;
    code = rd_kafka_error_code(error);
    message = rd_kafka_error_string(error);
    fatal = rd_kafka_error_is_fatal(error) != 0;
    retriable = rd_kafka_error_is_retriable(error) != 0;
    txnRequiresAbort = rd_kafka_error_txn_requires_abort(error) != 0;
    rd_kafka_error_destroy(error);
  }
};

class BlockingCall : public Napi::AsyncWorker {
 public:
  BlockingCall(Napi::Env env, std::function<void(CallResult&)> work)
      : Napi::AsyncWorker(env), work_(std::move(work)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override { work_(result_); }
  void OnOK() override {
    Napi::Env env = Env();
    if (result_.code == RD_KAFKA_RESP_ERR_NO_ERROR) {
      deferred_.Resolve(Napi::Number::New(env, static_cast<double>(result_.value)));
      return;
    }
    Napi::Error e = KafkaError(env, result_.code, result_.message);
    e.Set("isFatal", Napi::Boolean::New(env, result_.fatal));
    e.Set("isRetriable", Napi::Boolean::New(env, result_.retriable));
    e.Set("isTxnRequiresAbort", Napi::Boolean::New(env, result_.txnRequiresAbort));
    deferred_.Reject(e.Value());
  }

 private:
  std::function<void(CallResult&)> work_;
  Napi::Promise::Deferred deferred_;
  CallResult result_;
};

}  // namespace mirrorlab
