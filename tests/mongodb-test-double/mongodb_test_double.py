#!/usr/bin/python3
"""A MongoDB wire-protocol TEST DOUBLE for this project's integration tests. It is not MongoDB.

It speaks the wire protocol through Debian's python3-mockupdb and keeps data in python3-mongomock,
so the MongoDB driver can be exercised on machines where no MongoDB server can be installed. It does
not implement transactions, $text search, change streams or replication; the tests that need those
skip with that reason when they find this double (buildInfo answers with a "testDouble" field).

Run with Debian's interpreter: /usr/bin/python3 mongodb_test_double.py --port 27117
"""
import argparse
import itertools
import signal
import sys
import threading
from collections import OrderedDict
from datetime import datetime, timezone

import bson
import mockupdb
import mongomock
import pymongo.errors
from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions
from bson.int64 import Int64

# Keep UUID binaries as Binary so subtype 4 (the driver's standard GUIDs) round-trips unchanged.
mockupdb.CODEC_OPTIONS = CodecOptions(document_class=OrderedDict,
                                      uuid_representation=UuidRepresentation.UNSPECIFIED)

NAME = "mongodb-test-double (mockupdb %s + mongomock %s)" % (
    getattr(mockupdb, "__version__", "?"), mongomock.__version__)
MAX_WIRE_VERSION = 21  # what MongoDB 7.0 reports; the driver refuses servers that are too old
DEFAULT_BATCH = 101
COMMAND_ENVELOPE = {"$db", "lsid", "$clusterTime", "$readPreference", "txnNumber", "autocommit",
                    "writeConcern", "readConcern", "$client", "apiVersion", "apiStrict",
                    "apiDeprecationErrors", "maxTimeMS", "comment", "bypassDocumentValidation"}


class CommandError(Exception):
    def __init__(self, code, code_name, message):
        super().__init__(message)
        self.code = code
        self.code_name = code_name


class TestDouble:
    def __init__(self):
        self.client = mongomock.MongoClient()
        self.cursors = {}
        self.cursor_ids = itertools.count(1)
        self.connection_ids = itertools.count(1)

    # -- wire plumbing -------------------------------------------------------------------------
    def handle(self, request):
        try:
            reply = self.dispatch(request)
        except CommandError as error:
            reply = {"ok": 0, "errmsg": str(error), "code": error.code, "codeName": error.code_name}
        except Exception as error:  # never drop the connection over one bad command
            reply = {"ok": 0, "errmsg": "%s: %s (%s)" % (type(error).__name__, error, NAME),
                     "code": 1, "codeName": "InternalError"}
        flags = getattr(request, "flags", 0) or 0
        if isinstance(request, mockupdb.OpMsg) and flags & mockupdb.OP_MSG_FLAGS["moreToCome"]:
            return True  # unacknowledged write: no reply is expected
        request.replies(reply)
        return True

    def dispatch(self, request):
        doc = request.doc
        name = request.command_name
        if name is None:
            raise CommandError(59, "CommandNotFound", "empty command")
        db_name = doc.get("$db") or (request.namespace or "admin").split(".")[0]
        if "startTransaction" in doc or name in ("commitTransaction", "abortTransaction"):
            raise CommandError(20, "IllegalOperation",
                               "Transaction numbers are only allowed on a replica set member or mongos "
                               "(this is %s, which has no transactions)" % NAME)
        handler = getattr(self, "cmd_" + name.lower(), None)
        if handler is None:
            raise CommandError(59, "CommandNotFound", "no such command: '%s' (%s)" % (name, NAME))
        args = OrderedDict((k, v) for k, v in doc.items() if k not in COMMAND_ENVELOPE)
        return handler(self.client[db_name], args)

    # -- handshake and server info ------------------------------------------------------------
    def cmd_hello(self, db, args):
        return {"helloOk": True, "ismaster": True, "isWritablePrimary": True,
                "maxBsonObjectSize": 16 * 1024 * 1024, "maxMessageSizeBytes": 48000000,
                "maxWriteBatchSize": 100000, "localTime": datetime.now(timezone.utc),
                "logicalSessionTimeoutMinutes": 30, "connectionId": next(self.connection_ids),
                "minWireVersion": 0, "maxWireVersion": MAX_WIRE_VERSION, "readOnly": False,
                "testDouble": NAME}

    cmd_ismaster = cmd_hello

    def cmd_buildinfo(self, db, args):
        return {"version": "7.0.0-test-double", "versionArray": [7, 0, 0, 0], "gitVersion": "test-double",
                "bits": 64, "maxBsonObjectSize": 16 * 1024 * 1024, "testDouble": NAME}

    def cmd_ping(self, db, args):
        return {}

    def cmd_endsessions(self, db, args):
        return {}

    def cmd_getparameter(self, db, args):
        return {}

    def cmd_getcmdlineopts(self, db, args):
        return {"argv": ["mongodb-test-double"], "parsed": {}}

    def cmd_listdatabases(self, db, args):
        names = self.client.list_database_names()
        return {"databases": [{"name": n, "sizeOnDisk": 0, "empty": False} for n in names], "totalSize": 0}

    def cmd_dropdatabase(self, db, args):
        self.client.drop_database(db.name)
        return {"dropped": db.name}

    def cmd_dbstats(self, db, args):
        names = db.list_collection_names()
        objects = sum(db[n].count_documents({}) for n in names)
        return {"db": db.name, "collections": len(names), "objects": objects, "dataSize": 0, "storageSize": 0}

    # -- collections and indexes --------------------------------------------------------------
    def cmd_create(self, db, args):
        name = args["create"]
        if name in db.list_collection_names():
            raise CommandError(48, "NamespaceExists", "Collection %s.%s already exists." % (db.name, name))
        db.create_collection(name)
        return {}

    def cmd_drop(self, db, args):
        name = args["drop"]
        if name not in db.list_collection_names():
            raise CommandError(26, "NamespaceNotFound", "ns not found")
        db.drop_collection(name)
        return {"ns": "%s.%s" % (db.name, name)}

    def cmd_listcollections(self, db, args):
        batch = [{"name": n, "type": "collection", "options": {}, "info": {"readOnly": False}}
                 for n in db.list_collection_names()]
        wanted = args.get("filter") or {}
        if "name" in wanted:
            batch = [c for c in batch if c["name"] == wanted["name"]]
        return self.cursor_reply(db.name + ".$cmd.listCollections", batch, DEFAULT_BATCH)

    def cmd_createindexes(self, db, args):
        collection = db[args["createIndexes"]]
        before = len(collection.index_information())
        for spec in args.get("indexes", []):
            keys = list(spec["key"].items())
            if any(direction in ("text", "2dsphere", "hashed") for _, direction in keys):
                continue  # mongomock cannot build these; queries that need them fail, as they should here
            options = {"name": spec.get("name")}
            for option in ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression"):
                if option in spec:
                    options[option] = spec[option]
            try:
                collection.create_index(keys, **options)
            except pymongo.errors.DuplicateKeyError as error:
                raise CommandError(11000, "DuplicateKey", "E11000 duplicate key error building index: %s" % error)
        return {"numIndexesBefore": before, "numIndexesAfter": len(collection.index_information()),
                "createdCollectionAutomatically": False}

    def cmd_listindexes(self, db, args):
        collection = db[args["listIndexes"]]
        batch = []
        for name, info in collection.index_information().items():
            index = {"v": 2, "key": OrderedDict(info["key"]), "name": name}
            if info.get("unique"):
                index["unique"] = True
            batch.append(index)
        return self.cursor_reply("%s.%s" % (db.name, collection.name), batch, DEFAULT_BATCH)

    def cmd_dropindexes(self, db, args):
        collection = db[args["dropIndexes"]]
        index = args.get("index")
        if index == "*":
            collection.drop_indexes()
        else:
            collection.drop_index(index if isinstance(index, str) else list(index.items()))
        return {}

    # -- writes --------------------------------------------------------------------------------
    def cmd_insert(self, db, args):
        collection = db[args["insert"]]
        ordered = args.get("ordered", True)
        inserted, errors = 0, []
        for index, document in enumerate(args.get("documents", [])):
            try:
                collection.insert_one(document)
                inserted += 1
            except pymongo.errors.DuplicateKeyError as error:
                errors.append({"index": index, "code": 11000, "errmsg": "E11000 duplicate key error: %s" % error})
                if ordered:
                    break
        reply = {"n": inserted}
        if errors:
            reply["writeErrors"] = errors
        return reply

    def cmd_update(self, db, args):
        collection = db[args["update"]]
        ordered = args.get("ordered", True)
        matched, modified, upserted, errors = 0, 0, [], []
        for index, statement in enumerate(args.get("updates", [])):
            query, change = statement.get("q", {}), statement.get("u", {})
            upsert, multi = statement.get("upsert", False), statement.get("multi", False)
            try:
                if isinstance(change, dict) and change and not next(iter(change)).startswith("$"):
                    result = collection.replace_one(query, change, upsert=upsert)
                elif multi:
                    result = collection.update_many(query, change, upsert=upsert,
                                                    array_filters=statement.get("arrayFilters"))
                else:
                    result = collection.update_one(query, change, upsert=upsert,
                                                   array_filters=statement.get("arrayFilters"))
            except pymongo.errors.DuplicateKeyError as error:
                errors.append({"index": index, "code": 11000, "errmsg": "E11000 duplicate key error: %s" % error})
                if ordered:
                    break
                continue
            if result.upserted_id is not None:
                upserted.append({"index": index, "_id": result.upserted_id})
            else:
                matched += result.matched_count
                modified += result.modified_count
        reply = {"n": matched + len(upserted), "nModified": modified}
        if upserted:
            reply["upserted"] = upserted
        if errors:
            reply["writeErrors"] = errors
        return reply

    def cmd_delete(self, db, args):
        collection = db[args["delete"]]
        removed = 0
        for statement in args.get("deletes", []):
            if statement.get("limit", 0) == 1:
                removed += collection.delete_one(statement.get("q", {})).deleted_count
            else:
                removed += collection.delete_many(statement.get("q", {})).deleted_count
        return {"n": removed}

    def cmd_findandmodify(self, db, args):
        collection = db[args["findAndModify"]]
        query, sort = args.get("query", {}), sort_spec(args.get("sort"))
        projection, new, upsert = args.get("fields"), args.get("new", False), args.get("upsert", False)
        before = collection.find_one(query, sort=sort)
        if args.get("remove"):
            value = collection.find_one_and_delete(query, projection=projection, sort=sort)
            return {"value": value, "lastErrorObject": {"n": 1 if value else 0}}
        change = args.get("update", {})
        return_document = pymongo.ReturnDocument.AFTER if new else pymongo.ReturnDocument.BEFORE
        try:
            if isinstance(change, dict) and change and not next(iter(change)).startswith("$"):
                value = collection.find_one_and_replace(query, change, projection=projection, sort=sort,
                                                        upsert=upsert, return_document=return_document)
            else:
                value = collection.find_one_and_update(query, change, projection=projection, sort=sort,
                                                       upsert=upsert, return_document=return_document)
        except pymongo.errors.DuplicateKeyError as error:
            raise CommandError(11000, "DuplicateKey", "E11000 duplicate key error: %s" % error)
        last = {"n": 1, "updatedExisting": before is not None}
        if before is None and upsert:
            created = collection.find_one(query, sort=sort)
            if created is not None:
                last["upserted"] = created["_id"]
        elif before is None:
            last["n"] = 0
        return {"value": value, "lastErrorObject": last}

    # -- reads ---------------------------------------------------------------------------------
    def cmd_find(self, db, args):
        collection = db[args["find"]]
        if has_operator(args.get("filter"), "$text"):
            raise CommandError(27, "IndexNotFound", "$text is not supported by %s" % NAME)
        cursor = collection.find(args.get("filter") or {}, projection=args.get("projection"))
        if args.get("sort"):
            cursor = cursor.sort(sort_spec(args["sort"]))
        if args.get("skip"):
            cursor = cursor.skip(int(args["skip"]))
        limit = int(args.get("limit") or 0)
        if limit:
            cursor = cursor.limit(abs(limit))
        documents = list(cursor)
        batch = int(args.get("batchSize") or DEFAULT_BATCH)
        if args.get("singleBatch") or limit < 0:
            batch = len(documents) or 1
        return self.cursor_reply("%s.%s" % (db.name, collection.name), documents, batch)

    def cmd_aggregate(self, db, args):
        if not isinstance(args["aggregate"], str):
            raise CommandError(59, "CommandNotFound", "database-level aggregate is not supported by %s" % NAME)
        collection = db[args["aggregate"]]
        pipeline = list(args.get("pipeline", []))
        if any("$text" in stage.get("$match", {}) for stage in pipeline):
            raise CommandError(27, "IndexNotFound", "$text is not supported by %s" % NAME)
        documents = list(collection.aggregate(pipeline))
        batch = int((args.get("cursor") or {}).get("batchSize") or DEFAULT_BATCH)
        return self.cursor_reply("%s.%s" % (db.name, collection.name), documents, batch)

    def cmd_count(self, db, args):
        collection = db[args["count"]]
        query = args.get("query") or {}
        n = collection.count_documents(query) if query else collection.estimated_document_count()
        return {"n": n}

    def cmd_distinct(self, db, args):
        collection = db[args["distinct"]]
        return {"values": collection.distinct(args["key"], args.get("query") or {})}

    def cmd_getmore(self, db, args):
        cursor_id = int(args["getMore"])
        state = self.cursors.get(cursor_id)
        if state is None:
            raise CommandError(43, "CursorNotFound", "cursor id %d not found" % cursor_id)
        namespace, remaining = state
        batch = int(args.get("batchSize") or DEFAULT_BATCH)
        next_batch, rest = remaining[:batch], remaining[batch:]
        if rest:
            self.cursors[cursor_id] = (namespace, rest)
        else:
            del self.cursors[cursor_id]
            cursor_id = 0
        return {"cursor": {"id": Int64(cursor_id), "ns": namespace, "nextBatch": next_batch}}

    def cmd_killcursors(self, db, args):
        killed = []
        for cursor_id in args.get("cursors", []):
            if self.cursors.pop(int(cursor_id), None) is not None:
                killed.append(cursor_id)
        return {"cursorsKilled": killed, "cursorsNotFound": [], "cursorsAlive": [], "cursorsUnknown": []}

    def cursor_reply(self, namespace, documents, batch):
        first, rest = documents[:batch], documents[batch:]
        cursor_id = 0
        if rest:
            cursor_id = next(self.cursor_ids)
            self.cursors[cursor_id] = (namespace, rest)
        return {"cursor": {"id": Int64(cursor_id), "ns": namespace, "firstBatch": first}}


def sort_spec(sort):
    return list(sort.items()) if sort else None


def has_operator(value, operator):
    if isinstance(value, dict):
        return any(k == operator or has_operator(v, operator) for k, v in value.items())
    if isinstance(value, list):
        return any(has_operator(v, operator) for v in value)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=27117)
    options = parser.parse_args()

    double = TestDouble()
    server = mockupdb.MockupDB(port=options.port, request_timeout=int(1e6))
    server._address = (options.host, options.port)  # mockupdb binds "localhost" otherwise
    server.autoresponds(mockupdb.Matcher(), double.handle)
    server.run()
    print("MongoDB wire-protocol TEST DOUBLE (not MongoDB: %s) listening on mongodb://%s:%d/"
          % (NAME, options.host, server.port), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
