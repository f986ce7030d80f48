"""Importers: fixture files in each source's shape round-trip into the contract; real files
account for every row; unknown files get a message naming the closest kinds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.conftest import shared_data
from tests.ingest.importers.conftest import KEY
from zhongcao import pipeline
from zhongcao.contract import normalise_province
from zhongcao.engine import Workspace
from zhongcao.errors import InputError
from zhongcao.ingest import read_input
from zhongcao.ingest.importers import KINDS, import_files
from zhongcao.ingest.phone import hash_phone


def _csv(path: Path, frame: pd.DataFrame, encoding: str = "utf-8-sig") -> Path:
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_juguang_report_gbk_with_total_row(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "时间": ["2025-03-01", "2025-03-01", "2025-03-02", "合计"],
        "计划名称": ["春季", "春季", "春季", None], "单元名称": ["A", "B", "A", None],
        "笔记ID": ["n1", "n2", "n1", None], "消费": ["1,200.5", "300", "￥100", "1600.5"],
        "展现量": ["1.2万", "3000", "800", "15800"], "点击量": ["120", "30", "8", "158"],
        "点击率": ["1%", "1%", "1%", "1%"], "点赞": ["10", "2", "1", "13"], "下单订单数": ["1", "0", "0", "1"],
    })
    path = _csv(tmp_path / "聚光报表.csv", frame, "gbk")
    report = import_files([path], tmp_path / "in")
    (f,) = report.files
    assert f.kind == "juguang-report" and f.detected and f.accounted
    assert f.imported == 3 and sum(f.dropped.values()) == 1
    assert dict(f.ignored)["点击率"].startswith("a ratio")
    spend = pd.read_csv(tmp_path / "in" / "spend.csv", dtype=str)
    assert spend["amount"].astype(float).sum() == pytest.approx(1600.5)
    assert spend["impressions"].astype(int).tolist() == [12000, 3000, 800]
    assert set(spend["campaign"]) == {"春季 / A", "春季 / B"}
    assert not (tmp_path / "in" / "notes.csv").exists()  # ad metrics only join notes already known


def test_pugongying_creators_in_wan_and_lower_bounds(tmp_path: Path) -> None:
    rows = [["达人名称", "小红书号", "内容类目", "地域", "粉丝量", "获赞与收藏", "图文报价(万)", "视频报价(万)",
             "女性粉丝占比", "日常笔记曝光中位数", "合作笔记曝光中位数"],
            ["小红", "xh001", "美妆", "广东省广州市", "10w+", "1.2万", 0.8, "1.5", "86.5%", "2.1万", "3万"],
            ["小绿", "xh002", "穿搭", "浙江", "5000", None, None, None, None, None, None]]
    report = import_files([_xlsx(tmp_path / "creators.xlsx", {"达人列表": rows})], tmp_path / "in")
    assert report.accounted and report.files[0].kind == "pugongying-creators"
    out = pd.read_csv(tmp_path / "in" / "creators.csv", dtype=str).set_index("creator_id")
    assert out.loc["xh001", "followers"] == "100000" and out.loc["xh001", "followers_raw"] == "10w+"
    assert float(out.loc["xh001", "quote"]) == 8000 and float(out.loc["xh001", "video_quote"]) == 15000
    assert out.loc["xh001", "region"] == "广东" and float(out.loc["xh001", "female_share"]) == pytest.approx(0.865)
    assert out.loc["xh001", "organic_impressions_median"] == "21000"
    assert out.loc["xh001", "sponsored_impressions_median"] == "30000"


def test_agency_recap_makes_notes_spend_creators(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "博主昵称": ["小红", "小蓝"], "粉丝量": ["1.2万", "8000"],
        "笔记链接": ["https://www.xiaohongshu.com/explore/65a604d40000000012009771?xsec=1",
                 "https://www.xiaohongshu.com/discovery/item/6603b4720000000012032bcc"],
        "发布时间": ["2025/3/1", "2025/3/2"], "合作形式": ["报备", "报备"], "是否报备": ["是", "否"],
        "内容方向": ["测评", "开箱"], "对应SPU": ["耳机", "耳机"], "内容实际消耗": ["5000", "3000"],
        "投流实际消耗": ["2000", ""], "曝光": ["10w+", "5万"], "阅读": ["3万", "1万"], "点赞": ["900", "300"],
        "回搜率": ["1%", "2%"],
    })
    report = import_files([_csv(tmp_path / "复盘.csv", frame)], tmp_path / "in")
    assert report.accounted and report.files[0].imported == 2
    notes = pd.read_csv(tmp_path / "in" / "notes.csv", dtype=str)
    assert notes["note_id"].tolist() == ["65a604d40000000012009771", "6603b4720000000012032bcc"]
    assert notes["sponsored"].tolist() == ["true", "false"] and notes["impressions_raw"].iloc[0] == "10w+"
    spend = pd.read_csv(tmp_path / "in" / "spend.csv", dtype=str)
    assert sorted(zip(spend["channel"], spend["amount"].astype(float), strict=True)) == [
        ("feeds", 2000.0), ("kol", 3000.0), ("kol", 5000.0)]
    staged = read_input(tmp_path / "in")
    assert staged.tables["notes"].num_rows == 2 and staged.tables["creators"].num_rows == 2


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_mediacrawler_notes_and_comments(tmp_path: Path, fmt: str) -> None:
    notes = [{"note_id": "a1", "type": "normal", "title": "好用", "desc": "通勤必备 #耳机", "time": 1709280000000,
              "liked_count": "1.2万", "collected_count": "10w+", "comment_count": "3", "share_count": "",
              "tag_list": "耳机,通勤", "ip_location": "上海", "creator_hash": "u9"},
             {"note_id": "a2", "type": "video", "title": "开箱", "desc": "", "time": 1709366400,
              "liked_count": "5", "collected_count": "1", "comment_count": "0", "share_count": "0",
              "tag_list": "", "ip_location": "广东", "creator_hash": "u8"}]
    comments = [{"comment_id": "c1", "create_time": 1709290000000, "note_id": "a1", "content": "求链接",
                 "like_count": "2", "parent_comment_id": "0", "ip_location": "北京", "user_id": "v1"}]
    paths = []
    for name, records in (("search_contents", notes), ("search_comments", comments)):
        path = tmp_path / f"{name}.{fmt}"
        if fmt == "jsonl":
            path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
        elif fmt == "json":
            path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        else:
            _csv(path, pd.DataFrame(records))
        paths.append(path)
    report = import_files(paths, tmp_path / "in")
    assert [f.kind for f in report.files] == ["mediacrawler-notes", "mediacrawler-comments"] and report.accounted
    staged = read_input(tmp_path / "in")
    n = staged.tables["notes"].to_pandas().set_index("note_id")
    assert n.loc["a1", "likes"] == 12000 and n.loc["a1", "collects"] == 100000 and n.loc["a1", "collects_raw"] == "10w+"
    assert str(n.loc["a1", "published_at"]) == "2024-03-01 16:00:00"  # epoch ms, shown in Shanghai time
    assert str(n.loc["a2", "published_at"]) == "2024-03-02 16:00:00"  # epoch seconds
    assert n.loc["a2", "body"] == "开箱" and n.loc["a2", "note_type"] == "video" and not n.loc["a1", "sponsored"]
    assert list(n.loc["a1", "tags"]) == ["耳机", "通勤"]
    c = staged.tables["comments"].to_pandas()
    assert c["region"].tolist() == ["北京"] and c["likes"].tolist() == [2]


def test_spider_xhs_workbook_with_two_sheets(tmp_path: Path) -> None:
    book = _xlsx(tmp_path / "spider.xlsx", {
        "笔记": [["笔记id", "笔记类型", "用户id", "昵称", "标题", "描述", "点赞数量", "收藏数量", "评论数量", "分享数量",
                "标签", "上传时间", "ip归属地"],
               ["s1", "图集", "u1", "阿", "标题", "描述文字", "1.1万", "200", "3", "1", "a,b", "2024-05-01 10:00:00",
                "四川"],
               ["s2", "视频", "u2", "贝", "视频标题", None, "10", "2", "1", "0", None, "2024-05-02 11:00:00", "浙江"]],
        "评论": [["笔记id", "评论id", "评论内容", "点赞数量", "上传时间", "ip归属地"],
               ["s1", "k1", "好看", "3", "2024-05-01 12:00:00", "湖南"]],
    })
    report = import_files([book], tmp_path / "in")
    assert [f.kind for f in report.files] == ["spider-xhs-notes", "spider-xhs-comments"]
    notes = pd.read_csv(tmp_path / "in" / "notes.csv", dtype=str).set_index("note_id")
    assert notes.loc["s1", "likes"] == "11000" and notes.loc["s2", "body"] == "视频标题"
    assert notes.loc["s1", "note_type"] == "image" and notes.loc["s2", "note_type"] == "video"
    comments = pd.read_csv(tmp_path / "in" / "comments.csv", dtype=str)
    assert comments["note_id"].tolist() == ["s1"] and comments["region"].tolist() == ["湖南"]


def test_orders_hash_phones_and_apply_the_paid_rule(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "订单编号": ["1", "2", "3", "4", "总计"], "总金额": ["100", "50", "80", "60", "290"],
        "买家实际支付金额": ["100", "0", "50", "0", "150"], "收货地址": ["广东省 深圳市 南山区", "上海", "浙江省", "北京", ""],
        "订单创建时间": ["2025-01-01 10:00", "2025-01-01 11:00", "2025-01-02 09:00", "2025-01-02 10:00", ""],
        "订单付款时间": ["2025-01-01 10:01", "", "2025-01-02 09:01", "2025-01-02 10:01", ""],
        "退款金额": ["0", "0", "30", "60", "90"], "商品名称": ["耳机"] * 5, "数量": ["1", "1", "2", "1", "5"],
        "收货人手机号": ["138 0013 8000", "13900139000", "+8613700137000", "13600136000", ""],
    })
    path = _csv(tmp_path / "orders_export.csv", frame, "gbk")
    report = import_files([path], tmp_path / "in")
    (f,) = report.files
    assert f.accounted and f.imported == 2
    assert f.dropped == {"a total/summary row (合计/总计) added by the export": 1, "unpaid (no 订单付款时间)": 1,
                         "fully refunded (买家实际支付金额 0 after a refund)": 1}
    text = (tmp_path / "in" / "orders.csv").read_text(encoding="utf-8")
    assert "13800138000" not in text and "138 0013" not in text and hash_phone("13800138000", KEY) in text
    out = pd.read_csv(tmp_path / "in" / "orders.csv", dtype=str).set_index("order_id")
    assert out.loc["3", "amount"] == "50" and out.loc["3", "refund_amount"] == "30" and out.loc["1", "region"] == "广东"


def test_unknown_file_names_closest_kinds(tmp_path: Path) -> None:
    path = _csv(tmp_path / "mystery.csv", pd.DataFrame({"订单编号": ["1"], "金额": ["3"], "颜色": ["红"]}))
    with pytest.raises(InputError) as caught:
        import_files([path], tmp_path / "in")
    message = str(caught.value)
    assert "matches no known source kind" in message and "tmall-orders" in message
    assert "买家实际支付金额" in message and "颜色" in message


def test_existing_table_refused_unless_merged(tmp_path: Path) -> None:
    first = _csv(tmp_path / "a.csv", pd.DataFrame({"小红书号": ["x1", "x2"], "粉丝量": ["10", "20"],
                                                   "图文报价": ["100", ""]}))
    second = _csv(tmp_path / "b.csv", pd.DataFrame({"小红书号": ["x2", "x3"], "粉丝量": ["25", "30"],
                                                    "图文报价": ["200", "300"]}))
    import_files([first], tmp_path / "in")
    with pytest.raises(InputError, match="already exists"):
        import_files([second], tmp_path / "in")
    report = import_files([second], tmp_path / "in", merge=True)
    write = report.tables["creators"]
    assert write.rows_before == 2 and write.rows_written == 3 and write.combined == 1
    assert write.conflicts == {"followers": 1}
    out = pd.read_csv(tmp_path / "in" / "creators.csv", dtype=str).set_index("creator_id")
    assert out.loc["x2", "followers"] == "20" and out.loc["x2", "quote"] == "200"  # kept; gap filled


def test_ingest_converts_a_recognised_export(tmp_path: Path) -> None:
    folder = tmp_path / "input"
    folder.mkdir()
    _csv(folder / "天猫订单.csv", pd.DataFrame({
        "订单编号": ["1", "2"], "买家实际支付金额": ["10", "20"], "订单创建时间": ["2025-01-01", "2025-01-02"],
        "订单付款时间": ["2025-01-01", "2025-01-02"], "收货地址": ["上海", "江苏省"]}))
    staged = read_input(folder)
    assert staged.tables["orders"].num_rows == 2
    assert any("read as tmall-orders" in p.expected for p in staged.warnings)


def test_every_kind_is_declared_completely() -> None:
    for kind in KINDS.values():
        assert kind.signature and kind.sample and sum(o.primary for o in kind.outputs) == 1, kind.name
        names = kind.field_names()
        for output in kind.outputs:
            made = names | set(output.ids)  # key columns an exploded output builds (<field>#<n>)
            assert set(output.columns.values()) <= made, (kind.name, set(output.columns.values()) - made)
            assert output.explode is None or output.explode in names, kind.name


@pytest.fixture(scope="module")
def tmall_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    source = shared_data("tmall", "tmall_order_report.csv")
    into = tmp_path_factory.mktemp("tmall")
    return source, into


def test_real_tmall_orders_every_row_accounted_and_province_totals(tmall_import: tuple[Path, Path]) -> None:
    source, into = tmall_import
    report = import_files([source], into)
    (f,) = report.files
    direct = pd.read_csv(source, dtype={"订单编号": str})
    direct.columns = [c.strip() for c in direct.columns]
    assert f.rows_read == len(direct) and f.accounted
    # The documented rule, computed directly: paid (a payment time) and something kept after refunds.
    kept = direct[direct["订单付款时间"].notna() & (direct["买家实际支付金额"] > 0)]
    assert f.imported == len(kept)
    expected = kept.groupby(kept["收货地址"].map(normalise_province))["买家实际支付金额"].sum()
    out = pd.read_csv(into / "orders.csv", dtype={"order_id": str})
    got = out.groupby("region")["amount"].sum()
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def test_real_xhs_notes_and_creators_feed_kpi(tmp_path: Path) -> None:
    folder = shared_data("xhs")
    files = [folder / n for n in ("matching_records_filtered_500.csv", "clustered_summaries_post_text.csv",
                                  "xinhong_kol_stats_redacted.csv")]
    report = import_files(files, tmp_path / "xhs")
    assert report.accounted and report.tables["notes"].rows_written > 300
    assert report.tables["creators"].rows_written >= 4997 - report.files[-1].combined
    ws = tmp_path / "ws"
    pipeline.ingest(tmp_path / "xhs", ws)
    doc = pipeline.findings(Workspace(ws), ["kpi"])
    # Not run, with what would unlock it (clear, not a crash).
    assert "add spend.csv" in doc["analyses"]["kpi"]["error"] and "add orders.csv" in doc["analyses"]["kpi"]["error"]
    assert doc["capabilities"]["kpi"]["status"] == "missing"
    shutil.copy(shared_data("tmall", "tmall_order_report.csv"), tmp_path / "xhs" / "tmall_order_report.csv")
    pipeline.ingest(tmp_path / "xhs", tmp_path / "ws2")
    doc = pipeline.findings(Workspace(tmp_path / "ws2"))  # every registered analysis; none may crash
    assert doc["analyses"]["kpi"]["error"] is None
    assert doc["findings"]


def test_importing_doc_has_a_section_per_kind() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "importing.md").read_text(encoding="utf-8")
    for kind in KINDS.values():
        assert f"## `{kind.name}`" in doc and f"zhongcao import {kind.name}" in doc, kind.name
