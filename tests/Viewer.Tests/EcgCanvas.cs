using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Telemed.Viewer.Tests;

/// <summary>Reads back what the ECG canvas drew: per lead cell, how much of its width the trace covers, and the grid.</summary>
internal static class EcgCanvas
{
    private const string MeasureScript = """
        () => {
          const canvas = document.querySelector('#ecg-canvas');
          const ctx = canvas.getContext('2d');
          return JSON.parse(canvas.dataset.layout).map(cell => {
            const data = ctx.getImageData(cell.x, cell.y, cell.width, cell.height).data;
            const columns = new Set();
            let grid = 0;
            for (let i = 0; i < data.length; i += 4) {
              const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
              if (r < 90 && g < 90 && b < 90) columns.add((i / 4) % cell.width);
              else if (r > 200 && r - g > 20 && r - b > 20) grid++;
            }
            return { lead: cell.lead, width: cell.width, traced: columns.size, grid };
          });
        }
        """;


    /// <summary>The standard 12-lead layout (three rows of four, 2.5 s each) and the lead II rhythm strip.</summary>
    public static readonly string[] TwelveLeadLayout = ["I", "aVR", "V1", "V4", "II", "aVL", "V2", "V5", "III", "aVF", "V3", "V6", "II"];

    /// <summary>Every lead drawn as a trace across (nearly) its whole cell, on ECG paper.</summary>
    public static async Task ExpectTwelveLeadsDrawnAsync(IPage page)
    {
        await Expect(page.Locator("#ecg-canvas")).ToHaveAttributeAsync("data-leads", string.Join(',', TwelveLeadLayout));
        System.Text.Json.JsonElement cells = await page.EvaluateAsync<System.Text.Json.JsonElement>(MeasureScript);
        Assert.Equal(TwelveLeadLayout, cells.EnumerateArray().Select(c => c.GetProperty("lead").GetString()));
        Assert.All(cells.EnumerateArray(), c =>
        {
            string lead = c.GetProperty("lead").GetString()!;
            int width = c.GetProperty("width").GetInt32(), traced = c.GetProperty("traced").GetInt32(), grid = c.GetProperty("grid").GetInt32();
            // A lead label covers a few columns; a drawn trace covers the cell from edge to edge.
            Assert.True(traced > 0.9 * width, $"lead {lead}: trace in {traced} of {width} pixel columns");
            Assert.True(grid > width, $"lead {lead}: {grid} grid pixels");
        });
    }
}
