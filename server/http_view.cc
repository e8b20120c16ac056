#include "server/http_view.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "ledger/store.h"
#include "web/json.h"
#include "web/page.h"

namespace gpuledger::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr const char* kHtml = "text/html; charset=utf-8";
// A request's headers, at most; a bigger one is refused.
constexpr uint32_t kMaxHeaderBytes = 8 * 1024;
// A connection that sends no whole request for this long is closed.
constexpr auto kIdle = std::chrono::seconds(10);

// A short page of its own for errors and refusals (no script, no charts).
HttpAnswer Message(int status, absl::string_view title, absl::string_view text) {
  return {status, kHtml,
          absl::StrCat("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<title>",
                       web::HtmlEscape(title), "</title></head><body><h1>", web::HtmlEscape(title),
                       "</h1><p>", web::HtmlEscape(text),
                       "</p><p><a href=\"/\">every run of the ledger</a></p></body></html>\n")};
}

HttpAnswer FromStatus(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
      return Message(404, "Not found", s.message());
    case absl::StatusCode::kFailedPrecondition:
      return Message(409, "Not ready", s.message());
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return Message(400, "Bad request", s.message());
    default:
      return Message(500, "The ledger could not be read", s.message());
  }
}

// "123" -> 123; anything else (empty, a sign, a leading zero, too big) -> 0.
int64_t IdOf(absl::string_view s) {
  if (s.empty() || s.size() > 18 || s[0] == '0') return 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
  }
  int64_t id = 0;
  return absl::SimpleAtoi(s, &id) ? id : 0;
}

}  // namespace

HttpAnswer AnswerGet(absl::string_view target, const HttpSources& sources) {
  const std::string& ledger_path = sources.ledger_path;
  const RunningReplays& running = sources.running;
  if (target.size() > kMaxTarget) {
    return Message(414, "Address too long",
                   absl::StrCat("this server answers addresses of at most ", kMaxTarget, " bytes"));
  }
  absl::string_view path = target.substr(0, target.find('?'));
  if (path == "/api/progress") return {200, "application/json", web::ProgressJson(running())};
  const bool index = path == "/";
  const bool run = absl::ConsumePrefix(&path, "/runs/");
  const bool group = !run && absl::ConsumePrefix(&path, "/groups/");
  const bool comparison = !run && !group && absl::ConsumePrefix(&path, "/comparisons/");
  if (!index && !run && !group && !comparison) {
    return Message(404, "Not found",
                   "no such page: the pages are /, /runs/ID, /groups/ID and /comparisons/ID");
  }
  const int64_t id = index ? 0 : IdOf(path);
  if (!index && id == 0) {
    return Message(404, "Not found",
                   absl::StrCat(run ? "run" : group ? "group" : "comparison",
                                " ids are positive whole numbers"));
  }
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::OpenForReading(ledger_path);
  if (!l.ok()) return FromStatus(l.status());
  if (index) {
    absl::StatusOr<std::vector<ledger::RunRecord>> runs = (*l)->ListRuns();
    if (!runs.ok()) return FromStatus(runs.status());
    absl::StatusOr<std::vector<ledger::RunGroupRecord>> groups = (*l)->ListRunGroups();
    if (!groups.ok()) return FromStatus(groups.status());
    absl::StatusOr<std::vector<ledger::ComparisonRecord>> comparisons = (*l)->ListComparisons();
    if (!comparisons.ok()) return FromStatus(comparisons.status());
    return {200, kHtml, web::IndexPage(ledger_path, *runs, *groups, *comparisons, running())};
  }
  web::PageContext context;
  context.served = true;
  absl::StatusOr<std::string> page;
  if (run) {
    // A replay running here: its live page, with its running jobs so far.
    if (sources.live) {
      if (std::optional<absl::StatusOr<std::string>> live = sources.live(id)) {
        if (!live->ok()) return FromStatus(live->status());
        return {200, kHtml, **std::move(live)};
      }
    }
    // Any other run, complete or not: the page says its status.
    page = web::RunPageOf(**l, id, /*allow_partial=*/true, nullptr, context);
  } else if (group) {
    page = web::GroupPageOf(**l, id, context);
  } else {
    page = web::ComparisonPageOf(**l, id, context);
  }
  if (!page.ok()) return FromStatus(page.status());
  return {200, kHtml, *std::move(page)};
}

struct HttpView::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::optional<asio::ssl::context> tls;      // set: every connection speaks TLS
  std::shared_ptr<const AuthTokens> tokens;  // set: every request needs one
  bool check_host = true;                    // on loopback: the Host header must name it
  asio::thread_pool builders{2};   // pages are built here
  std::atomic<int> builds{0};      // being built or waiting
  std::vector<std::string> hosts;  // Host headers answered
  HttpSources sources;
  std::vector<std::thread> threads;
  // Shared with the connections, which may outlive the rest when the
  // io_context is destroyed with their handlers.
  std::shared_ptr<std::atomic<int>> connections = std::make_shared<std::atomic<int>>(0);
  std::string address;
  std::atomic<bool> stopped{false};

  void Accept();
};

namespace {

// One connection: requests read and answered in turn (keep-alive), over
// TCP or TLS.
template <bool kTls>
class Session : public std::enable_shared_from_this<Session<kTls>> {
 public:
  using Stream =
      std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  Session(tcp::socket socket, HttpView::Impl& view)
      : stream_(MakeStream(std::move(socket), view)), view_(view), connections_(view.connections) {}
  ~Session() { --*connections_; }

  void Start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kIdle);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->Read();  // else dropped: no request to answer
                              });
    } else {
      Read();
    }
  }

 private:
  static Stream MakeStream(tcp::socket socket, HttpView::Impl& view) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *view.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  void Read() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(0);
    beast::get_lowest_layer(stream_).expires_after(kIdle);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::ssl::error::stream_truncated) {
      return Close();
    }
    if (ec) {
      const bool too_big = ec == http::error::header_limit;
      return Send(too_big ? Message(431, "Request too large",
                                    absl::StrCat("headers of at most ", kMaxHeaderBytes, " bytes"))
                          : Message(400, "Bad request", ec.message()),
                  /*keep_alive=*/false, /*head=*/false);
    }
    const http::request<http::empty_body>& req = parser_->get();
    // Host names are not case-sensitive (RFC 9110).
    std::string host(req[http::field::host]);
    absl::AsciiStrToLower(&host);
    if (view_.check_host &&
        std::find(view_.hosts.begin(), view_.hosts.end(), host) == view_.hosts.end()) {
      return Send(Message(403, "Not this host",
                          absl::StrCat("this view answers requests for ", view_.hosts.front(),
                                       " only, not for \"", host, "\"")),
                  false, false);
    }
    if (view_.tokens != nullptr) {
      // Any role reads; the header is never written anywhere.
      const beast::string_view header = req[http::field::authorization];
      const Caller c =
          view_.tokens->FromHeader(absl::string_view(header.data(), header.size()), /*basic=*/true);
      if (c.role == Role::kNone) {
        const bool sent = req.find(http::field::authorization) != req.end();
        HttpAnswer a = Message(401, "A token is needed",
                               sent ? "the token given is not one this server accepts"
                                    : "send \"Authorization: Bearer TOKEN\", or sign in with "
                                      "any user name and the token as the password");
        return Send(std::move(a), false, req.method() == http::verb::head, false, false,
                    /*challenge=*/true);
      }
    }
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      HttpAnswer a = Message(405, "Read only", "this view answers GET and HEAD only");
      return Send(std::move(a), false, false, /*allow=*/true);
    }
    const std::string target(req.target());
    const bool keep_alive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    if (absl::StartsWith(target, "/api/progress") || target.size() > kMaxTarget) {
      return Send(AnswerGet(target, view_.sources), keep_alive, head);
    }
    // A page: built on a builder thread, then sent from this connection's strand.
    if (++view_.builds > kMaxPageBuilds) {
      --view_.builds;
      return Send(Message(503, "Busy", "too many pages are being built; try again in a moment"),
                  keep_alive, head, false, /*retry=*/true);
    }
    asio::post(view_.builders, [self = this->shared_from_this(), target, keep_alive, head] {
      HttpAnswer a = AnswerGet(target, self->view_.sources);
      --self->view_.builds;
      asio::post(self->stream_.get_executor(), [self, a = std::move(a), keep_alive, head]() mutable {
        self->Send(std::move(a), keep_alive, head);
      });
    });
  }

  void Send(HttpAnswer a, bool keep_alive, bool head, bool allow = false, bool retry = false,
            bool challenge = false) {
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(a.status));
    res_.set(http::field::server, "gpuledger");
    res_.set(http::field::content_type, a.content_type);
    res_.set(http::field::cache_control, "no-store");
    res_.set("X-Content-Type-Options", "nosniff");
    res_.set("X-Frame-Options", "DENY");
    res_.set("Referrer-Policy", "no-referrer");
    res_.set("Content-Security-Policy",
             "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
             "style-src 'unsafe-inline'; img-src data:; connect-src 'self'");
    if (kTls) res_.set(http::field::strict_transport_security, "max-age=31536000");
    if (allow) res_.set(http::field::allow, "GET, HEAD");
    if (retry) res_.set(http::field::retry_after, "1");
    if (challenge) res_.set(http::field::www_authenticate, "Basic realm=\"gpuledger\", charset=\"UTF-8\"");
    res_.content_length(a.body.size());
    if (!head) res_.body() = std::move(a.body);
    res_.keep_alive(keep_alive);
    beast::get_lowest_layer(stream_).expires_after(kIdle);
    http::async_write(stream_, res_,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kIdle);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::response<http::string_body> res_;
  HttpView::Impl& view_;  // used only while the view's threads run
  std::shared_ptr<std::atomic<int>> connections_;
};

}  // namespace

void HttpView::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopped) return;
    if (!ec) {
      if (++*connections > kMaxHttpConnections) {
        --*connections;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        if (tls) {
          std::make_shared<Session<true>>(std::move(socket), *this)->Start();
        } else {
          std::make_shared<Session<false>>(std::move(socket), *this)->Start();
        }
      }
    }
    Accept();
  });
}

HttpView::HttpView(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpView::~HttpView() { Stop(); }

std::string HttpView::address() const { return impl_->address; }

namespace {

// The address and port of `listen`, checked as CheckHttpListen says.
absl::StatusOr<tcp::endpoint> HttpEndpoint(const std::string& listen, bool exposed) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(listen).substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http: expected HOST:PORT with a port from 0 to 65535, got \"", listen, "\""));
  }
  std::string host = listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  beast::error_code ec;
  const asio::ip::address addr = asio::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http: \"", host, "\" is not an IP address (give 127.0.0.1:PORT)"));
  }
  if (!addr.is_loopback() && !exposed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http: ", host,
        " is not a loopback address; the web view serves this machine only (127.0.0.1 or ::1)"));
  }
  return tcp::endpoint(addr, static_cast<unsigned short>(port));
}

}  // namespace

absl::Status CheckHttpListen(const std::string& listen, bool exposed) {
  return HttpEndpoint(listen, exposed).status();
}

namespace {

// The TLS context of the view: its certificate and key, TLS 1.2 or newer,
// and with a client CA, a client certificate it signed required.
absl::StatusOr<asio::ssl::context> TlsContext(const TlsFiles& f) {
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  beast::error_code ec;
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                  ec);
  if (!ec) ctx.use_certificate_chain(asio::buffer(f.cert), ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("--tls-cert: ", ec.message()));
  ctx.use_private_key(asio::buffer(f.key), asio::ssl::context::pem, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("--tls-key: ", ec.message()));
  if (!f.client_ca.empty()) {
    ctx.add_certificate_authority(asio::buffer(f.client_ca), ec);
    if (!ec) {
      ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert, ec);
    }
    if (ec) return absl::InvalidArgumentError(absl::StrCat("--tls-client-ca: ", ec.message()));
  }
  return ctx;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpView>> HttpView::Start(const std::string& listen,
                                                          HttpSources sources,
                                                          HttpSecurity security, int threads) {
  absl::StatusOr<tcp::endpoint> endpoint = HttpEndpoint(listen, security.exposed);
  if (!endpoint.ok()) return endpoint.status();
  const tcp::endpoint at = *endpoint;
  const asio::ip::address addr = at.address();
  beast::error_code ec;
  auto impl = std::make_unique<Impl>();
  impl->sources = std::move(sources);
  if (security.tls) {
    absl::StatusOr<asio::ssl::context> ctx = TlsContext(*security.tls);
    if (!ctx.ok()) return ctx.status();
    impl->tls.emplace(*std::move(ctx));
  }
  impl->tokens = std::move(security.tokens);
  impl->check_host = addr.is_loopback();
  impl->acceptor.open(at.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(at, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("--http: cannot listen on ", listen, ": ", ec.message()));
  }
  const tcp::endpoint bound = impl->acceptor.local_endpoint();
  impl->address = addr.is_v6() ? absl::StrCat("[", addr.to_string(), "]:", bound.port())
                               : absl::StrCat(addr.to_string(), ":", bound.port());
  impl->hosts = {impl->address, absl::StrCat("localhost:", bound.port())};
  impl->Accept();
  for (int i = 0; i < std::max(1, threads); ++i) {
    impl->threads.emplace_back([io = &impl->io] { io->run(); });
  }
  return std::unique_ptr<HttpView>(new HttpView(std::move(impl)));
}

void HttpView::Stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  impl_->io.stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->builders.join();  // pages being built finish; their answers go nowhere
  // No handler runs now: the acceptor can be closed from here, and new
  // connections are refused.
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace gpuledger::server
