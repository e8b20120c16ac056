"""A reflection client lists and describes every service; health reports
SERVING per service."""

import unittest

from google.protobuf import descriptor_pb2

from gpuledger_testlib import ServerTestCase, grpc, health_pb2
import reflection_pb2
import reflection_pb2_grpc

EXPECTED = {
    "gpuledger.v1.LedgerService": {"ListRuns", "GetRun", "ListJobs", "ListUsage", "GetCostReport",
                                   "GetGroupReport", "CompareStrategies"},
    "gpuledger.v1.ReplayService": {"StartReplay", "WatchReplay", "CancelReplay", "CompareStrategies"},
    "grpc.health.v1.Health": {"Check", "Watch"},
}


class ReflectionAndHealth(ServerTestCase):

    def ask(self, stub, **request):
        responses = list(stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(**request)]), timeout=10))
        self.assertEqual(len(responses), 1)
        self.assertFalse(responses[0].HasField("error_response"), responses[0].error_response)
        return responses[0]

    def test_reflection_lists_and_describes_every_service(self):
        server = self.start_server()
        stub = reflection_pb2_grpc.ServerReflectionStub(server.channel)
        listed = {s.name for s in self.ask(stub, list_services="").list_services_response.service}
        for name in EXPECTED:
            self.assertIn(name, listed)
        for name, methods in EXPECTED.items():
            files = self.ask(stub, file_containing_symbol=name).file_descriptor_response
            found = None
            for raw in files.file_descriptor_proto:
                fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
                for service in fd.service:
                    if "%s.%s" % (fd.package, service.name) == name:
                        found = service
            self.assertIsNotNone(found, name)
            self.assertEqual({m.name for m in found.method}, methods)
        # A message type is described too, down to its fields.
        files = self.ask(stub, file_containing_symbol="gpuledger.v1.CostReport").file_descriptor_response
        fields = set()
        for raw in files.file_descriptor_proto:
            fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
            for m in fd.message_type:
                if m.name == "CostReport":
                    fields = {f.name for f in m.field}
        self.assertIn("capital_micro_usd", fields)

    def test_health_reports_serving_per_service(self):
        server = self.start_server()
        for service in ["", "gpuledger.v1.LedgerService", "gpuledger.v1.ReplayService"]:
            resp = server.health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
            self.assertEqual(resp.status, health_pb2.HealthCheckResponse.SERVING, service)
        with self.assertRaises(grpc.RpcError) as e:
            server.health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=10)
        self.assertEqual(e.exception.code(), grpc.StatusCode.NOT_FOUND)
        watch = server.health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=10)
        self.assertEqual(next(watch).status, health_pb2.HealthCheckResponse.SERVING)
        watch.cancel()


if __name__ == "__main__":
    unittest.main()
