#include "server/server.h"
#include "server/http_view.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <malloc.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <optional>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gpuledger/v1/ledger_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/convert.h"
#include "report/cost.h"
#include "server/health.h"
#include "server/ledger_service.h"
#include "server/replay_manager.h"
#include "server/security.h"
#include "ledger/store.h"
#include "compare/compare.h"
#include "replay/replay.h"
#include "traces/plan.h"

namespace gpuledger::server {
namespace {

namespace asio = boost::asio;
namespace v1 = gpuledger::v1;
using Clock = std::chrono::steady_clock;

// Read connections unused this long are closed.
constexpr auto kIdleReaders = std::chrono::seconds(10);

// The host part of HOST:PORT.
std::string HostOf(const std::string& address) { return address.substr(0, address.rfind(':')); }

// The options checked before anything starts; the host part of --listen.
absl::StatusOr<std::string> CheckServeOptions(const ServeOptions& o) {
  if (o.max_replays < 1) return absl::InvalidArgumentError("--max-replays: must be at least 1");
  if (o.max_message_bytes < 4096) {
    return absl::InvalidArgumentError(
        "--max-message-bytes: must be at least 4096 (a smaller one fails every answer)");
  }
  if (o.max_replays_per_token < 0) {
    return absl::InvalidArgumentError("--max-replays-per-token: must not be negative");
  }
  if (o.max_page_size < 1) return absl::InvalidArgumentError("--max-page-size: must be at least 1");
  if (o.max_watches < 1) return absl::InvalidArgumentError("--max-watches: must be at least 1");
  for (const std::string& name : o.allow_unauthenticated) {
    if (std::find(std::begin(kOpenableServices), std::end(kOpenableServices), name) ==
        std::end(kOpenableServices)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--allow-unauthenticated: \"", name, "\" is not health or reflection"));
    }
  }
  if (!o.allow_unauthenticated.empty() && o.auth_tokens.empty()) {
    return absl::InvalidArgumentError(
        "--allow-unauthenticated: needs --auth-tokens (without tokens every service is open)");
  }
  if (std::error_code ec; !std::filesystem::is_directory(o.traces_dir, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--traces-dir: ", o.traces_dir,
                     ": no such folder (where plans named in StartReplay live)"));
  }
  if (!(o.speed >= 0) || std::isinf(o.speed)) {
    return absl::InvalidArgumentError("--speed: must be a finite number >= 0");
  }
  const size_t colon = o.listen.rfind(':');
  int port_asked = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(o.listen).substr(colon + 1), &port_asked) ||
      port_asked < 0 || port_asked > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen: expected HOST:PORT with a port from 0 to 65535, got \"", o.listen, "\""));
  }
  if (!o.http.empty()) {
    // Its form here; whether it may be a non-loopback address, with the
    // gRPC port's (CheckExposure).
    if (absl::Status s = CheckHttpListen(o.http, /*exposed=*/true); !s.ok()) return s;
  }
  return HostOf(o.listen);
}

}  // namespace

absl::Status Serve(const ServeOptions& o, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::string> host = CheckServeOptions(o);
  if (!host.ok()) return host.status();
  // Who may listen where, and with which credentials, before any file opens.
  absl::StatusOr<std::optional<TlsFiles>> tls = ReadTlsFiles(o);
  if (!tls.ok()) return tls.status();
  std::shared_ptr<const AuthTokens> tokens;
  if (!o.auth_tokens.empty()) {
    absl::StatusOr<std::shared_ptr<const AuthTokens>> t = AuthTokens::Load(o.auth_tokens, err);
    if (!t.ok()) return t.status();
    tokens = *std::move(t);
  }
  if (absl::Status s = CheckExposure("--listen", *host, tls->has_value(), o, err); !s.ok()) return s;
  if (!o.http.empty()) {
    absl::Status s = CheckExposure("--http", HostOf(o.http),
                                   tls->has_value(), o, err);
    if (!s.ok()) return s;
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> creds =
      ServerCredentialsFor(*tls, tokens, o.allow_unauthenticated);
  if (!creds.ok()) return creds.status();

  absl::StatusOr<std::unique_ptr<ledger::Ledger>> writer = ledger::Ledger::Open(o.ledger_path);
  if (!writer.ok()) return writer.status();
  if ((*writer)->migrated_from() > 0) {
    out << "migrated " << o.ledger_path << " from ledger schema version "
        << (*writer)->migrated_from() << " to " << ledger::kSchemaVersion << std::endl;
  }

  asio::io_context io;
  auto work = asio::make_work_guard(io);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  ReplayManager manager(io, **writer, o);
  server::LedgerServiceImpl ledger_service(
      o.ledger_path,
      [&](const grpc::ServerContext& ctx, const v1::CompareStrategiesRequest& req,
          v1::CompareStrategiesResponse* resp) {
        return server::ToGrpcStatus(
            Compare(manager, o, req, resp, CallerOf(ctx, tokens.get()).line));
      },
      [&](int64_t run, ledger::GroupBy by, const v1::Pricing* pricing) {
        return manager.LiveReport(run, by, pricing);
      });
  ledger_service.set_max_page_size(o.max_page_size);
  std::unique_ptr<v1::ReplayService::Service> replay_service =
      NewReplayService(manager, o.ledger_path, o, tokens);
  HealthServiceImpl health;

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(o.listen, *creds, &port);
  builder.RegisterService(&ledger_service);
  builder.RegisterService(replay_service.get());
  builder.RegisterService(&health);
  // A second server on a busy port must fail, not share the port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(o.max_message_bytes);
  builder.SetMaxSendMessageSize(o.max_message_bytes);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("--listen: cannot listen on ", o.listen));
  }

  std::promise<int> stop;
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    manager.CancelAllOnIo(absl::StrCat("server shutting down (signal ", signal, ")"));
    stop.set_value(signal);
  });
  std::unique_ptr<HttpView> view;
  if (!o.http.empty()) {
    HttpSources sources;
    sources.ledger_path = o.ledger_path;
    sources.running = [&manager] { return manager.Running(); };
    sources.live = [&manager](int64_t run) {
      web::PageContext context;
      context.served = true;
      context.live_run = run;
      return manager.LivePage(run, context);
    };
    HttpSecurity security{*tls, tokens, !IsLoopbackHost(HostOf(o.http))};
    absl::StatusOr<std::unique_ptr<HttpView>> v =
        HttpView::Start(o.http, std::move(sources), std::move(security));
    if (!v.ok()) {
      server->Shutdown();
      return v.status();
    }
    view = *std::move(v);
  }
  // A server with no calls gives memory back: read connections idle for
  // kIdleReaders are closed, and the allocator returns what it freed.
  asio::steady_timer idle_timer(io);
  std::function<void()> drop_idle = [&] {
    idle_timer.expires_after(std::chrono::seconds(5));
    idle_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      if (ledger_service.DropIdleReaders(kIdleReaders) > 0) ::malloc_trim(0);
      drop_idle();
    });
  };
  drop_idle();
  std::thread io_thread([&io] { io.run(); });
  out << "listening on " << *host << ":" << port << std::endl;
  if (view) {
    out << "web view on " << (tls->has_value() ? "https" : "http") << "://" << view->address()
        << "/" << std::endl;
  }

  stop.get_future().wait();
  // From this thread, not the io thread: Shutdown waits for handlers, and
  // watchers wait for the io thread to finish cancelling their replays.
  health.Stop();
  if (view) view->Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(3));
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (manager.active_count() > 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server->Wait();
  work.reset();
  io.stop();
  io_thread.join();
  return manager.active_count() > 0
             ? absl::DeadlineExceededError(
                   "replays did not stop in time; their runs stay incomplete")
             : absl::OkStatus();
}

}  // namespace gpuledger::server
