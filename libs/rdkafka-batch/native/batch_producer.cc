// A librdkafka producer for JavaScript that moves records and delivery reports in batches.
//
// The general-purpose binding makes one call from JavaScript into C++ per record and one
// JavaScript callback (with a report object and a copy of the key) per delivery report. At
// 100-byte records those per-record crossings cost more than librdkafka itself. Here:
//   - produceBatch() takes many records packed in one buffer (layout in src/record-batch.ts)
//     and hands each to rd_kafka_producev() in a loop;
//   - each record carries a 32-bit id as its librdkafka opaque (a plain integer, no V8 handle);
//   - delivery reports, errors and logs arrive on librdkafka's main queue as events. When that
//     queue goes from empty to non-empty, librdkafka calls OnQueueNonEmpty() on one of its own
//     threads; that wakes the JavaScript thread through a thread-safe function, which drains the
//     queue and calls the JavaScript handler once with every report packed in a Float64Array
//     (id, partition, offset, error code, persistence status per report).
// Blocking librdkafka calls (metadata, transactions, destroy) run on libuv's thread pool.

#include <napi.h>
#include <librdkafka/rdkafka.h>

#include "blocking_call.h"
#include "record_batch_reader.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mirrorlab {
namespace {

constexpr size_t kReportFields = 5;
// Reports handed to JavaScript per call at most; a longer queue is drained over several turns
// of the event loop so that timers and I/O keep running.
constexpr size_t kMaxReportsPerDrain = 65536;

class BatchProducer : public Napi::ObjectWrap<BatchProducer> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "BatchProducer",
                       {
                           InstanceMethod("produceBatch", &BatchProducer::ProduceBatch),
                           InstanceMethod("lastProduceError", &BatchProducer::LastProduceError),
                           InstanceMethod("partitionCount", &BatchProducer::PartitionCount),
                           InstanceMethod("initTransactions", &BatchProducer::InitTransactions),
                           InstanceMethod("beginTransaction", &BatchProducer::BeginTransaction),
                           InstanceMethod("commitTransaction", &BatchProducer::CommitTransaction),
                           InstanceMethod("abortTransaction", &BatchProducer::AbortTransaction),
                           InstanceMethod("close", &BatchProducer::Close),
                       });
  }

  // new BatchProducer(config: Record<string, string>, onEvents(reports: Float64Array, events: object[]))
  explicit BatchProducer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BatchProducer>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "BatchProducer(config, onEvents): config must be an object and onEvents a function")
          .ThrowAsJavaScriptException();
      return;
    }
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    Napi::Object config = info[0].As<Napi::Object>();
    Napi::Array names = config.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); i++) {
      std::string name = names.Get(i).ToString().Utf8Value();
      std::string value = config.Get(name).ToString().Utf8Value();
      if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        Napi::TypeError::New(env, "librdkafka property " + name + ": " + errstr).ThrowAsJavaScriptException();
        return;
      }
    }
    // Logs go to the main queue as events (not to stderr) and come out through onEvents.
    if (rd_kafka_conf_set(conf, "log.queue", "true", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      Napi::Error::New(env, errstr).ThrowAsJavaScriptException();
      return;
    }
    rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR | RD_KAFKA_EVENT_LOG);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk_ == nullptr) {  // conf is freed by rd_kafka_new on failure too
      Napi::Error::New(env, std::string("librdkafka producer: ") + errstr).ThrowAsJavaScriptException();
      return;
    }
    mainq_ = rd_kafka_queue_get_main(rk_);
    rd_kafka_set_log_queue(rk_, mainq_);
    onEvents_ = Napi::Persistent(info[1].As<Napi::Function>());
    // The object stays alive while open: a wake-up queued before close() must find it.
    Ref();
    wake_ = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                          "rdkafka-batch-reports", 0, 1, [this, alive = alive_](Napi::Env) {
                                            if (*alive) Unref();
                                          });
    // Pending reports alone do not keep the process alive; the caller's flush does.
    wake_.Unref(env);
    rd_kafka_queue_cb_event_enable(mainq_, &BatchProducer::OnQueueNonEmpty, this);
    // A process that exits without close(): librdkafka stops before the wake-up is cleaned up (hooks
    // run in reverse order of registration), so none of its threads calls into a freed wake-up.
    cleanup_ = env.AddCleanupHook(&BatchProducer::OnEnvCleanup, this);
    // Events may already be waiting (logs from rd_kafka_new): drain once.
    Schedule();
  }

  ~BatchProducer() override {
    *alive_ = false;
    TearDown();
  }

 private:
  static void OnQueueNonEmpty(rd_kafka_t*, void* opaque) { static_cast<BatchProducer*>(opaque)->Schedule(); }
  static void OnEnvCleanup(BatchProducer* self) { self->TearDown(); }

  // Any thread: asks the JavaScript thread to drain the queue, once until it has started.
  void Schedule() {
    if (scheduled_.exchange(true)) return;
    wake_.NonBlockingCall([this](Napi::Env env, Napi::Function) { Drain(env); });
  }

  // Whether JavaScript may run: not while the process exits, when Node still runs queued wake-ups but
  // refuses every call that could enter JavaScript (node-addon-api would turn that into a fatal error).
  static bool CanRunJs(napi_env env) {
    napi_value probe;
    napi_value undefined;
    if (napi_create_object(env, &probe) != napi_ok || napi_get_undefined(env, &undefined) != napi_ok) return false;
    if (napi_set_named_property(env, probe, "probe", undefined) == napi_ok) return true;
    bool pending = false;
    napi_value ignored;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &ignored);
    return false;
  }

  // JavaScript thread.
  void Drain(Napi::Env env) {
    scheduled_.store(false);
    if (rk_ == nullptr) return;
    Napi::HandleScope scope(env);
    if (!CanRunJs(env)) return;
    reports_.clear();
    Napi::Array events = Napi::Array::New(env);
    uint32_t eventCount = 0;
    rd_kafka_event_t* ev;
    while (reports_.size() < kMaxReportsPerDrain * kReportFields && (ev = rd_kafka_queue_poll(mainq_, 0)) != nullptr) {
      switch (rd_kafka_event_type(ev)) {
        case RD_KAFKA_EVENT_DR: {
          const rd_kafka_message_t* m;
          while ((m = rd_kafka_event_message_next(ev)) != nullptr) {
            reports_.push_back(static_cast<double>(reinterpret_cast<uintptr_t>(m->_private)));
            reports_.push_back(m->partition);
            reports_.push_back(static_cast<double>(m->offset));
            reports_.push_back(m->err);
            reports_.push_back(rd_kafka_message_status(m));
          }
          break;
        }
        case RD_KAFKA_EVENT_ERROR: {
          Napi::Object e = Napi::Object::New(env);
          rd_kafka_resp_err_t code = rd_kafka_event_error(ev);
          e.Set("kind", "error");
          e.Set("code", Napi::Number::New(env, code));
          e.Set("type", rd_kafka_err2name(code));
          e.Set("message", rd_kafka_event_error_string(ev));
          e.Set("fatal", Napi::Boolean::New(env, rd_kafka_event_error_is_fatal(ev) != 0));
          events.Set(eventCount++, e);
          break;
        }
        case RD_KAFKA_EVENT_LOG: {
          const char* fac = "";
          const char* str = "";
          int level = 0;
          rd_kafka_event_log(ev, &fac, &str, &level);
          Napi::Object e = Napi::Object::New(env);
          e.Set("kind", "log");
          e.Set("level", Napi::Number::New(env, level));
          e.Set("facility", fac);
          e.Set("message", str);
          events.Set(eventCount++, e);
          break;
        }
        default:
          break;
      }
      rd_kafka_event_destroy(ev);
    }
    // Stopped at the cap with more waiting: the queue is not empty, so librdkafka will not call
    // OnQueueNonEmpty again; come back on a later turn.
    if (reports_.size() >= kMaxReportsPerDrain * kReportFields) Schedule();
    if (reports_.empty() && eventCount == 0) return;
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, reports_.size() * sizeof(double));
    if (!reports_.empty()) std::memcpy(buffer.Data(), reports_.data(), reports_.size() * sizeof(double));
    Napi::Float64Array array = Napi::Float64Array::New(env, reports_.size(), buffer, 0);
    // Raw N-API, not Napi::Function::Call: while the process exits, JavaScript cannot run and the call
    // fails, which node-addon-api would turn into a fatal error. An exception the handler throws stays
    // pending and Node reports it as uncaught when this wake-up returns.
    napi_value argv[2] = {array, events};
    napi_value result;
    napi_call_function(env, Value(), onEvents_.Value(), 2, argv, &result);
  }

  rd_kafka_topic_t* Topic(const std::string& name) {
    auto it = topics_.find(name);
    if (it != topics_.end()) return it->second;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, name.c_str(), nullptr);
    if (rkt != nullptr) topics_.emplace(name, rkt);
    return rkt;
  }

  bool Open(Napi::Env env) {
    if (rk_ != nullptr) return true;
    Napi::Error::New(env, "the producer is closed").ThrowAsJavaScriptException();
    return false;
  }

  // produceBatch(topic: string, batch: Uint8Array, count: number): number of records queued.
  // Stops at the first record librdkafka refuses; lastProduceError() then says why.
  Napi::Value ProduceBatch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Open(env)) return env.Undefined();
    if (info.Length() < 3 || !info[0].IsString() || !info[1].IsTypedArray() || !info[2].IsNumber()) {
      Napi::TypeError::New(env, "produceBatch(topic, batch, count)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    rd_kafka_topic_t* rkt = Topic(info[0].As<Napi::String>().Utf8Value());
    if (rkt == nullptr) {
      lastError_ = rd_kafka_last_error();
      return Napi::Number::New(env, 0);
    }
    Napi::Uint8Array batch = info[1].As<Napi::Uint8Array>();
    RecordBatchReader reader(batch.Data(), batch.ByteLength());
    uint32_t count = info[2].As<Napi::Number>().Uint32Value();
    lastError_ = RD_KAFKA_RESP_ERR_NO_ERROR;
    PackedRecord r;
    PackedHeader h;
    for (uint32_t i = 0; i < count; i++) {
      bool complete = reader.NextRecord(r);
      rd_kafka_headers_t* headers = complete && r.headerCount > 0 ? rd_kafka_headers_new(r.headerCount) : nullptr;
      for (uint16_t k = 0; complete && k < r.headerCount; k++) {
        complete = reader.NextHeader(h);
        if (complete) rd_kafka_header_add(headers, h.name, h.nameLength, h.value, h.valueLength);
      }
      if (!complete) {
        if (headers != nullptr) rd_kafka_headers_destroy(headers);
        Napi::RangeError::New(env, "produceBatch: record " + std::to_string(i) + " runs past the end of the batch")
            .ThrowAsJavaScriptException();
        return env.Undefined();
      }
      void* opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(r.id));
      void* value = const_cast<uint8_t*>(r.value);
      rd_kafka_resp_err_t err =
          headers != nullptr
              ? rd_kafka_producev(rk_, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(r.partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                  RD_KAFKA_V_VALUE(value, r.valueLength), RD_KAFKA_V_KEY(r.key, r.keyLength),
                                  RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END)
              : rd_kafka_producev(rk_, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(r.partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                  RD_KAFKA_V_VALUE(value, r.valueLength), RD_KAFKA_V_KEY(r.key, r.keyLength),
                                  RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Not queued: the headers are still ours.
        if (headers != nullptr) rd_kafka_headers_destroy(headers);
        lastError_ = err;
        return Napi::Number::New(env, i);
      }
    }
    return Napi::Number::New(env, count);
  }

  // { code, type, message } of the record produceBatch() stopped at.
  Napi::Value LastProduceError(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object e = Napi::Object::New(env);
    e.Set("code", Napi::Number::New(env, lastError_));
    e.Set("type", rd_kafka_err2name(lastError_));
    e.Set("message", rd_kafka_err2str(lastError_));
    return e;
  }

  // A blocking call on the thread pool; close() waits for those still running before it destroys the client.
  Napi::Value Run(Napi::Env env, std::function<void(CallResult&)> work) {
    inflight_->fetch_add(1);
    auto* call = new BlockingCall(env, [work = std::move(work), inflight = inflight_](CallResult& r) {
      work(r);
      inflight->fetch_sub(1);
    });
    Napi::Promise promise = call->Promise();
    call->Queue();
    return promise;
  }

  // partitionCount(topic, timeoutMs): Promise<number>
  Napi::Value PartitionCount(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Open(env)) return env.Undefined();
    std::string topic = info[0].ToString().Utf8Value();
    int timeoutMs = info[1].ToNumber().Int32Value();
    rd_kafka_t* rk = rk_;
    return Run(env, [rk, topic, timeoutMs](CallResult& r) {
      rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
      const rd_kafka_metadata_t* md = nullptr;
      r.code = rd_kafka_metadata(rk, 0, rkt, &md, timeoutMs);
      if (r.code != RD_KAFKA_RESP_ERR_NO_ERROR) {
        r.message = std::string("metadata for ") + topic + ": " + rd_kafka_err2str(r.code);
      } else if (md->topic_cnt < 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR || md->topics[0].partition_cnt == 0) {
        r.code = md->topic_cnt < 1 || md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR ? RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                                                                                     : md->topics[0].err;
        r.message = "topic " + topic + " not found on the source cluster (" + rd_kafka_err2str(r.code) + ")";
      } else {
        r.value = md->topics[0].partition_cnt;
      }
      if (md != nullptr) rd_kafka_metadata_destroy(md);
      rd_kafka_topic_destroy(rkt);
    });
  }

  // Transactions: librdkafka's blocking calls, with the timeout from the first argument.
  using TransactionCall = rd_kafka_error_t* (*)(rd_kafka_t*, int);
  Napi::Value Transactional(const Napi::CallbackInfo& info, TransactionCall call) {
    Napi::Env env = info.Env();
    if (!Open(env)) return env.Undefined();
    rd_kafka_t* rk = rk_;
    int timeoutMs = info.Length() > 0 ? info[0].ToNumber().Int32Value() : 0;
    return Run(env, [rk, timeoutMs, call](CallResult& r) { r.FromError(call(rk, timeoutMs)); });
  }
  Napi::Value InitTransactions(const Napi::CallbackInfo& info) { return Transactional(info, rd_kafka_init_transactions); }
  Napi::Value BeginTransaction(const Napi::CallbackInfo& info) {
    return Transactional(info, [](rd_kafka_t* rk, int) { return rd_kafka_begin_transaction(rk); });
  }
  Napi::Value CommitTransaction(const Napi::CallbackInfo& info) { return Transactional(info, rd_kafka_commit_transaction); }
  Napi::Value AbortTransaction(const Napi::CallbackInfo& info) { return Transactional(info, rd_kafka_abort_transaction); }

  // close(): Promise. Reports not yet served are dropped; flush first.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (rk_ == nullptr) return Run(env, [](CallResult&) {});
    cleanup_.Remove(env);
    rd_kafka_queue_cb_event_enable(mainq_, nullptr, nullptr);
    rd_kafka_t* rk = rk_;
    rd_kafka_queue_t* mainq = mainq_;
    std::vector<rd_kafka_topic_t*> topics;
    for (auto& t : topics_) topics.push_back(t.second);
    topics_.clear();
    rk_ = nullptr;
    mainq_ = nullptr;
    wake_.Release();
    auto inflight = inflight_;
    auto* call = new BlockingCall(env, [rk, mainq, topics, inflight](CallResult&) {
      while (inflight->load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      for (rd_kafka_topic_t* t : topics) rd_kafka_topic_destroy(t);
      rd_kafka_queue_destroy(mainq);
      rd_kafka_destroy(rk);
    });
    Napi::Promise promise = call->Promise();
    call->Queue();
    return promise;
  }

  // The environment is going away without close(): librdkafka's side only, on this thread (the
  // wake-up is the environment's to clean up).
  void TearDown() {
    if (rk_ == nullptr) return;
    rd_kafka_queue_cb_event_enable(mainq_, nullptr, nullptr);
    while (inflight_->load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (auto& t : topics_) rd_kafka_topic_destroy(t.second);
    topics_.clear();
    rd_kafka_queue_destroy(mainq_);
    rd_kafka_destroy(rk_);
    rk_ = nullptr;
    mainq_ = nullptr;
  }

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* mainq_ = nullptr;
  Napi::ThreadSafeFunction wake_;
  Napi::FunctionReference onEvents_;
  Napi::Env::CleanupHook<void (*)(BatchProducer*), BatchProducer> cleanup_;
  std::atomic<bool> scheduled_{false};
  // Blocking calls (metadata, transactions) still running on the thread pool.
  std::shared_ptr<std::atomic<int>> inflight_ = std::make_shared<std::atomic<int>>(0);
  // False once destroyed (at the environment's teardown): the wake-up's finalizer must not touch it then.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::unordered_map<std::string, rd_kafka_topic_t*> topics_;
  std::vector<double> reports_;
  rd_kafka_resp_err_t lastError_ = RD_KAFKA_RESP_ERR_NO_ERROR;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("BatchProducer", BatchProducer::Define(env));
  exports.Set("librdkafkaVersion", Napi::String::New(env, rd_kafka_version_str()));
  // errorName(code), errorText(code): librdkafka's name and description of an error code.
  exports.Set("errorName", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::String::New(info.Env(), rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(info[0].ToNumber().Int32Value())));
  }));
  exports.Set("errorText", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::String::New(info.Env(), rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(info[0].ToNumber().Int32Value())));
  }));
  return exports;
}

}  // namespace
}  // namespace mirrorlab

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return mirrorlab::Init(env, exports); }

NODE_API_MODULE(rdkafka_batch, InitModule)
